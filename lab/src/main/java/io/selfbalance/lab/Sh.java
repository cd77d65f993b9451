package io.selfbalance.lab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lab's plumbing commands ({@code ip}, {@code ipvsadm}, {@code curl}). The lab drives the
 * network with the standard tools on purpose: it is the outside observer of the module, which itself
 * never shells out.
 */
final class Sh {

    /** What a command printed (stdout and stderr merged) and its exit status. */
    record Out(int exitCode, String text) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Sh() {}

    static Out run(long timeoutMs, String... cmd) {
        return run(timeoutMs, Arrays.asList(cmd));
    }

    static Out run(long timeoutMs, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            // read before waiting, so a chatty command cannot block on a full pipe
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Out(124, new String(bytes, StandardCharsets.UTF_8) + "\n(timed out after " + timeoutMs + " ms)");
            }
            return new Out(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Out(127, "cannot run " + cmd + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Out(130, "interrupted");
        }
    }

    /** A bash snippet. */
    static Out bash(long timeoutMs, String script) {
        return run(timeoutMs, "bash", "-c", script);
    }

    /** Runs a command that must succeed; throws naming the command and its output otherwise. */
    static String must(String... cmd) {
        Out o = run(60_000, cmd);
        if (!o.ok()) {
            throw new IllegalStateException("command failed (exit " + o.exitCode() + "): " + String.join(" ", cmd) + "\n" + o.text().trim());
        }
        return o.text();
    }

    static List<String> list(String... parts) {
        return new ArrayList<>(Arrays.asList(parts));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static UncheckedIOException io(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
