package io.selfbalance.jetty.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition (the tests' own parser, independent of the client library). */
final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Exposition() {
    }

    /** The value of the sample {@code name} whose labels include {@code labels} (pairs: name, value, ...); fails if none. */
    static double value(String text, String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        Double found = null;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    have.put(l.group(1), l.group(2));
                }
            }
            if (have.entrySet().containsAll(wanted.entrySet())) {
                if (found != null) {
                    throw new AssertionError("more than one sample " + name + " " + wanted + " in:\n" + text);
                }
                found = Double.parseDouble(m.group(3));
            }
        }
        if (found == null) {
            throw new AssertionError("no sample " + name + " " + wanted + " in:\n" + text);
        }
        return found;
    }

    /** Whether any sample {@code name} has these labels. */
    static boolean has(String text, String name, String... labels) {
        try {
            value(text, name, labels);
            return true;
        } catch (AssertionError e) {
            return !e.getMessage().startsWith("no sample");
        }
    }
}
