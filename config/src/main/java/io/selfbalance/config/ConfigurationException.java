package io.selfbalance.config;

import java.util.List;

/**
 * Bad configuration. {@link #problems()} lists every problem found in one pass, each naming the key,
 * the bad value and what is allowed, e.g.
 * {@code selfbalance.routers.main.priority=300: must be 1..254 (255 is reserved for the address owner)}.
 */
public final class ConfigurationException extends RuntimeException {

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, one line each, in key order */
    public List<String> problems() {
        return problems;
    }

    private static String describe(List<String> problems) {
        StringBuilder out = new StringBuilder("Invalid Selfbalance configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) {
            out.append("\n  ").append(p);
        }
        return out.toString();
    }
}
