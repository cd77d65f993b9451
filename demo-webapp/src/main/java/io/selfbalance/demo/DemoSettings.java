package io.selfbalance.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the demo takes its node name and readiness switch file from. Read on every use (never cached)
 * so that the webapp keeps no state of its own: a system property wins over an environment variable,
 * which wins over the defaults (host name; {@code ${jetty.base}/selfbalance-demo.down}).
 *
 * @param nodeName the name {@code /api/whoami} reports
 * @param downFile while this file exists the readiness check is DOWN
 */
public record DemoSettings(String nodeName, Path downFile) {

    public static final String NODE_PROPERTY = "demo.node";
    public static final String NODE_ENV = "DEMO_NODE";
    public static final String DOWN_FILE_PROPERTY = "demo.downFile";
    public static final String DOWN_FILE_ENV = "DEMO_DOWN_FILE";
    public static final String DOWN_FILE_NAME = "selfbalance-demo.down";

    public DemoSettings {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("node name must not be blank");
        }
        if (downFile == null) {
            throw new IllegalArgumentException("down file must not be null");
        }
    }

    /** The settings of this JVM: system properties, then environment, then defaults. */
    public static DemoSettings current() {
        return resolve(System::getProperty, System.getenv());
    }

    static DemoSettings resolve(Function<String, String> systemProperties, Map<String, String> environment) {
        String node = firstNonBlank(systemProperties.apply(NODE_PROPERTY), environment.get(NODE_ENV));
        if (node == null) {
            node = hostName();
        }
        String downFile = firstNonBlank(systemProperties.apply(DOWN_FILE_PROPERTY), environment.get(DOWN_FILE_ENV));
        Path path;
        if (downFile != null) {
            path = Path.of(downFile);
        } else {
            // start.jar exports jetty.base as a system property; outside Jetty fall back to the working directory
            String jettyBase = firstNonBlank(systemProperties.apply("jetty.base"), null);
            path = (jettyBase == null ? Path.of("") : Path.of(jettyBase)).resolve(DOWN_FILE_NAME);
        }
        return new DemoSettings(node, path.toAbsolutePath());
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first.trim();
        }
        if (second != null && !second.isBlank()) {
            return second.trim();
        }
        return null;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
