package io.selfbalance.health;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately small JSON writer and reader: the health wire format needs objects, arrays, strings, numbers and
 * booleans only, and a dependency on a full JSON library would leak into every webapp's server class path.
 *
 * <p>The reader maps objects to {@code Map<String,Object>} (insertion order), arrays to {@code List<Object>},
 * numbers to {@link Long} when integral and within the long range, otherwise {@link BigDecimal}, and {@code null} to {@code null}.
 */
public final class Json {
    private Json() {
    }

    /** Appends {@code value} as a JSON string literal (quoted and escaped). */
    public static void writeString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // U+2028/2029 are legal JSON but break JavaScript consumers; escape them with the controls.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Appends a scalar data value the way the health schema allows it: string, boolean or number. Numbers that
     * JSON cannot carry (NaN, infinities) and any other type are written as their string form.
     */
    public static void writeScalar(StringBuilder out, Object value) {
        if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                writeString(out, String.valueOf(value));
            }
        } else {
            writeString(out, String.valueOf(value));
        }
    }

    /** Parses one JSON value; the whole input must be that value plus optional whitespace. */
    public static Object parse(CharSequence text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected trailing content");
        }
        return v;
    }

    /** Thrown for malformed JSON; the message names the offset and what was expected. */
    public static final class JsonParseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        JsonParseException(String message) {
            super(message);
        }
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 64;
        private final CharSequence s;
        private int pos;

        Parser(CharSequence s) {
            this.s = s;
        }

        JsonParseException error(String what) {
            String near = s.subSequence(pos, Math.min(s.length(), pos + 20)).toString();
            return new JsonParseException("invalid JSON at offset " + pos + ": " + what
                    + (pos < s.length() ? " near '" + near + "'" : " at end of input"));
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= s.length()) {
                throw error("expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("expected a value");
            }
        }

        void literal(String word) {
            if (pos + word.length() > s.length() || !s.subSequence(pos, pos + word.length()).toString().equals(word)) {
                throw error("expected '" + word + "'");
            }
            pos += word.length();
        }

        Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a member name string");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                map.put(key, value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return Collections.unmodifiableMap(map);
            }
        }

        List<Object> array(int depth) {
            pos++;
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return Collections.unmodifiableList(list);
            }
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        String string() {
            pos++; // opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("unescaped control character in string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = hexValue(s.charAt(pos++));
                            if (d < 0) {
                                pos--;
                                throw error("invalid hex digit in \\u escape");
                            }
                            cp = cp * 16 + d;
                        }
                        out.append((char) cp);
                    }
                    default -> {
                        pos--;
                        throw error("invalid escape '\\" + e + "'");
                    }
                }
            }
        }

        // JSON digits are ASCII only; Character.isDigit/digit would also accept e.g. Arabic-Indic or fullwidth digits.
        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static int hexValue(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        Number number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            int intStart = pos;
            while (pos < s.length() && isAsciiDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == intStart) {
                throw error("expected digits");
            }
            if (s.charAt(intStart) == '0' && pos - intStart > 1) {
                pos = intStart;
                throw error("leading zero in number");
            }
            boolean integral = true;
            if (pos < s.length() && s.charAt(pos) == '.') {
                integral = false;
                pos++;
                int fracStart = pos;
                while (pos < s.length() && isAsciiDigit(s.charAt(pos))) {
                    pos++;
                }
                if (pos == fracStart) {
                    throw error("expected fraction digits");
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                int expStart = pos;
                while (pos < s.length() && isAsciiDigit(s.charAt(pos))) {
                    pos++;
                }
                if (pos == expStart) {
                    throw error("expected exponent digits");
                }
            }
            String text = s.subSequence(start, pos).toString();
            if (integral && text.length() <= 20) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException outOfLongRange) {
                    // falls through to BigDecimal
                }
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException | ArithmeticException e) {
                // valid JSON grammar, but the exponent (with the fraction digits) leaves BigDecimal's 32-bit scale
                pos = start;
                throw error("number exponent out of range (" + e.getMessage() + ")");
            }
        }
    }
}
