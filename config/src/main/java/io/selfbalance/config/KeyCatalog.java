package io.selfbalance.config;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every key of {@link SelfbalanceConfig}, derived from the mapping interfaces by reflection so that the
 * unknown-key check, the environment-variable translation and the conversion check can never drift from
 * the mapping itself. Map names appear as {@code *} in patterns ({@code selfbalance.routers.*.vrid}).
 */
final class KeyCatalog {

    /** Names of map entries: what may stand for {@code *} in a key. */
    static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /**
     * One leaf key.
     *
     * @param pattern      the key with {@code *} for map names
     * @param valueType    the type of one value (the element type for lists)
     * @param list         whether the value is a comma-separated list
     * @param required     neither optional nor defaulted
     * @param defaultValue the {@code @WithDefault} text, or null
     */
    record Key(String pattern, Class<?> valueType, boolean list, boolean required, String defaultValue) {

        /** The map prefix this key lives under ({@code selfbalance.routers}) or null for a root-level key. */
        String mapPrefix() {
            int star = pattern.indexOf(".*");
            return star < 0 ? null : pattern.substring(0, star);
        }

        Pattern regex() {
            return Pattern.compile(Pattern.quote(pattern).replace("*", "\\E(" + ENTRY_NAME.pattern() + ")\\Q"));
        }

        /** The same key as an environment variable, with the map name left as a regex group. */
        Pattern envRegex() {
            StringBuilder regex = new StringBuilder();
            String[] parts = pattern.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append("([A-Z0-9_]+?)");
                }
                regex.append(Pattern.quote(toEnvName(parts[i])));
            }
            return Pattern.compile(regex.toString());
        }
    }

    private final List<Key> keys;

    private final Map<Key, Pattern> regexes = new java.util.LinkedHashMap<>();

    private KeyCatalog(List<Key> keys) {
        this.keys = List.copyOf(keys);
        for (Key k : keys) {
            regexes.put(k, k.regex());
        }
    }

    static KeyCatalog of(Class<?> mappingInterface) {
        String prefix = mappingInterface.getAnnotation(ConfigMapping.class).prefix();
        List<Key> keys = new ArrayList<>();
        walk(mappingInterface, prefix, keys);
        keys.sort(Comparator.comparing(Key::pattern));
        return new KeyCatalog(keys);
    }

    List<Key> keys() {
        return keys;
    }

    /** The catalog entry for a concrete key such as {@code selfbalance.routers.main.vrid}. */
    Optional<Key> find(String key) {
        for (Map.Entry<Key, Pattern> k : regexes.entrySet()) {
            if (k.getValue().matcher(key).matches()) {
                return Optional.of(k.getKey());
            }
        }
        return Optional.empty();
    }

    /** The map name in a concrete key ({@code main} in {@code selfbalance.routers.main.vrid}), if any. */
    static Optional<String> entryName(Key key, String concreteKey) {
        Matcher m = key.regex().matcher(concreteKey);
        return m.matches() && m.groupCount() > 0 ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code selfbalance.routers.main.advert-interval} → {@code SELFBALANCE_ROUTERS_MAIN_ADVERT_INTERVAL}. */
    static String toEnvName(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return out.toString();
    }

    /** The closest known key to a misspelt one, for "did you mean" hints; empty when nothing is close. */
    Optional<String> suggest(String unknownKey) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Key k : keys) {
            String candidate = k.pattern();
            // put the user's own map name in, so the suggestion can be pasted
            String[] mine = unknownKey.split("\\.");
            String[] theirs = candidate.split("\\.");
            if (mine.length == theirs.length) {
                StringBuilder filled = new StringBuilder();
                for (int i = 0; i < theirs.length; i++) {
                    filled.append(i == 0 ? "" : ".").append("*".equals(theirs[i]) ? mine[i] : theirs[i]);
                }
                candidate = filled.toString();
            }
            int d = distance(unknownKey.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // allow about one typo per four letters of the last segment, at most three
        String last = unknownKey.substring(unknownKey.lastIndexOf('.') + 1);
        int threshold = Math.min(3, Math.max(1, last.length() / 4));
        return best != null && bestDistance <= threshold ? Optional.of(best) : Optional.empty();
    }

    /** Like {@link #suggest} for an environment variable: the closest known variable, with the user's map name. */
    Optional<String> suggestEnv(String variable) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Key k : keys) {
            String env = toEnvName(k.pattern());
            int star = k.pattern().indexOf('*'); // toEnvName keeps positions: '*' became '_'
            if (star < 0) {
                int d = distance(variable, env);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = env;
                }
                continue;
            }
            String head = env.substring(0, star);
            String tail = env.substring(star + 1);
            if (!variable.startsWith(head)) {
                continue;
            }
            // try every split of the rest into <name>_<tail>
            String rest = variable.substring(head.length());
            for (int i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
                String candidate = head + rest.substring(0, i) + tail;
                int d = distance(rest.substring(i), tail);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = candidate;
                }
            }
        }
        String last = variable.substring(variable.lastIndexOf('_') + 1);
        int threshold = Math.min(3, Math.max(1, last.length() / 4));
        return best != null && bestDistance <= threshold ? Optional.of(best) : Optional.empty();
    }

    // Optimal string alignment distance: edits plus adjacent transpositions, the commonest typos.
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static void walk(Class<?> group, String path, List<Key> out) {
        for (Method m : group.getMethods()) {
            if (m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String name = path + "." + (withName != null ? withName.value() : kebab(m.getName()));
            WithDefault withDefault = m.getAnnotation(WithDefault.class);
            String defaultValue = withDefault == null ? null : withDefault.value();
            Type type = m.getGenericReturnType();
            Class<?> raw = rawType(type);
            if (raw == Map.class) {
                Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
                walk(rawType(valueType), name + ".*", out);
            } else if (raw.isInterface() && raw.getPackage() == group.getPackage() && raw != List.class) {
                walk(raw, name, out);
            } else if (raw == Optional.class) {
                Type inner = ((ParameterizedType) type).getActualTypeArguments()[0];
                if (rawType(inner) == List.class) {
                    out.add(new Key(name, rawType(((ParameterizedType) inner).getActualTypeArguments()[0]), true, false, defaultValue));
                } else {
                    out.add(new Key(name, rawType(inner), false, false, defaultValue));
                }
            } else if (raw == OptionalInt.class) {
                out.add(new Key(name, Integer.class, false, false, defaultValue));
            } else if (raw == List.class) {
                Class<?> element = rawType(((ParameterizedType) type).getActualTypeArguments()[0]);
                out.add(new Key(name, element, true, defaultValue == null, defaultValue));
            } else {
                out.add(new Key(name, boxed(raw), false, defaultValue == null, defaultValue));
            }
        }
    }

    private static Class<?> rawType(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Class<?> boxed(Class<?> c) {
        if (c == int.class) {
            return Integer.class;
        }
        if (c == boolean.class) {
            return Boolean.class;
        }
        return c;
    }

    static String kebab(String methodName) {
        StringBuilder out = new StringBuilder();
        for (char c : methodName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
