package io.selfbalance.ipvs;

import java.util.Objects;

/**
 * Assertions for programs that run inside user-mode-linux: each check prints one line
 * ({@code CHECK PASS name} or {@code CHECK FAIL name: ...}) that the host-side JUnit test asserts on.
 */
public final class Checks {
    private int passed;
    private int failed;

    public void equal(String name, Object expected, Object actual) {
        if (Objects.equals(expected, actual)) {
            pass(name);
        } else {
            fail(name, "expected <" + expected + "> but was <" + actual + ">");
        }
    }

    public void that(String name, boolean condition, String detail) {
        if (condition) {
            pass(name);
        } else {
            fail(name, detail);
        }
    }

    public void pass(String name) {
        passed++;
        System.out.println("CHECK PASS " + name);
    }

    public void fail(String name, String detail) {
        failed++;
        System.out.println("CHECK FAIL " + name + ": " + detail.replace('\n', '|'));
    }

    /** Runs {@code body}; an exception is a failed check named {@code name}. */
    public void run(String name, Runnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            java.io.StringWriter w = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(w));
            fail(name, "threw " + w);
        }
    }

    public void done() {
        System.out.println("CHECKS-DONE passed=" + passed + " failed=" + failed);
        System.out.flush();
    }
}
