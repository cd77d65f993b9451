package io.selfbalance.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.testkit.UmlKernel;
import java.time.Duration;
import java.util.List;

/** Host side of {@link Checks}: boots user-mode-linux, runs a script, asserts every CHECK passed. */
public final class UmlChecks {
    private UmlChecks() {}

    /** Runs {@code script} in UML and asserts it printed CHECKS-DONE with no failure and at least {@code minPassed} passes. */
    public static UmlKernel.Result run(String script, Duration timeout, int minPassed) {
        UmlKernel.Result r = UmlKernel.run(script, timeout);
        System.out.println(r.output());
        List<String> failures = r.linesStartingWith("CHECK FAIL ");
        assertEquals(List.of(), failures, r.output());
        List<String> done = r.linesStartingWith("CHECKS-DONE ");
        assertEquals(1, done.size(), "the checks did not finish:\n" + r.output());
        int passed = r.linesStartingWith("CHECK PASS ").size();
        assertTrue(passed >= minPassed, "only " + passed + " checks passed, expected >= " + minPassed + ":\n" + r.output());
        return r;
    }
}
