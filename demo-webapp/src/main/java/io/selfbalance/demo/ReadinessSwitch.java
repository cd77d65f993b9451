package io.selfbalance.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The operator's readiness switch: a file. While it exists this node reports readiness DOWN, so the master
 * gives it weight 0. Keeping the switch on disk (not in memory) keeps the webapp stateless and lets an
 * operator flip it with {@code touch}/{@code rm} as well as with {@code POST /api/admin/ready}.
 */
public final class ReadinessSwitch {

    private final Path downFile;

    public ReadinessSwitch(Path downFile) {
        this.downFile = downFile;
    }

    public static ReadinessSwitch current() {
        return new ReadinessSwitch(DemoSettings.current().downFile());
    }

    public Path downFile() {
        return downFile;
    }

    public boolean isDown() {
        return Files.exists(downFile);
    }

    /** Turns readiness DOWN (creates the file) or UP (deletes it); idempotent. */
    public void set(boolean down) {
        try {
            if (down) {
                Files.writeString(downFile, "readiness turned DOWN at " + Instant.now() + "\n");
            } else {
                Files.deleteIfExists(downFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (down ? "create" : "delete") + " readiness switch file " + downFile + ": " + e, e);
        }
    }
}
