package io.selfbalance.fuzz;

/** Settings shared by every fuzz test of this module. */
final class Fuzzing {
    /**
     * How long one target fuzzes when started with {@code JAZZER_FUZZ=1} outside Maven (IDE). Maven runs override it
     * with {@code -max_total_time} from the property {@code selfbalance.fuzz.seconds} (see pom.xml).
     */
    static final String MAX_DURATION = "20s";

    private Fuzzing() {
    }
}
