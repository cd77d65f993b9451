package io.selfbalance.fuzz;

import java.util.function.Supplier;

/**
 * A property a parser must keep for every input. A violation is thrown as an {@link AssertionError}, which Jazzer
 * reports as a finding (and saves the input) just like an exception escaping the parser.
 */
final class Invariant {
    private Invariant() {
    }

    static void check(boolean holds, Supplier<String> what) {
        if (!holds) {
            throw new Violation(what.get());
        }
    }

    static final class Violation extends AssertionError {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }
}
