package io.selfbalance.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UmlKernelTest {

    /** Printed by {@link UmlKernelTest.Inside} from a JVM started inside UML. */
    public static final class Inside {
        public static void main(String[] args) {
            System.out.println("inside-java " + args[0] + " " + System.getProperty("os.version"));
        }
    }

    @Test
    void bootsWithIpvsAndReturnsOutputAndStatus() {
        UmlKernel.Result r = UmlKernel.run("""
                set -e
                ip netns add t1
                ip netns exec t1 ipvsadm -A -t 10.1.1.1:80 -s wrr
                ip netns exec t1 ipvsadm -Ln | grep -c 'TCP  10.1.1.1:80 wrr' | sed 's/^/services=/'
                %s
                exit 7
                """.formatted(UmlKernel.javaCommand(Inside.class, "hello")), Duration.ofSeconds(90));
        assertEquals(7, r.exitCode(), r.output());
        assertEquals("1", r.linesStartingWith("services=").get(0), r.output());
        assertTrue(r.output().contains("inside-java hello "), r.output());
        // the JVM inside ran on the UML kernel, not on the host's
        String insideKernel = r.linesStartingWith("inside-java hello ").get(0);
        assertTrue(!insideKernel.equals(System.getProperty("os.version")), r.output());
    }

    @Test
    void classPathEntriesBecomeAbsoluteBecauseTheScriptRunsInRoot() {
        String cwd = java.nio.file.Path.of("").toAbsolutePath().toString();
        assertEquals(cwd + "/a/classes:/opt/x.jar", UmlKernel.absoluteClassPath("a/classes::/opt/x.jar"));
    }
}
