package io.selfbalance.jetty;

import static io.selfbalance.jetty.OpenDataJson.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.health.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Selfbalance bean seen through Jetty's {@code jmx} and {@code jmx-remote} modules of the real jetty-home 12.1.12,
 * by a remote JMX client as an operator's jconsole would: its attributes hold the values the status JSON serves. With
 * {@code forwarded} (the old {@code http-forwarded}) enabled too, nothing of it is exposed beyond loopback by default.
 */
class SelfbalanceJmxIT {

    @TempDir
    Path temp;

    @Test
    void remoteJmxAttributesShowTheStatusJsonsValues() throws Exception {
        JettyBase base = JettyBase.installed(temp.resolve("base"), "http,ee10-deploy,forwarded,jmx,jmx-remote,selfbalance")
            .configure(JettyBaseConfig.VALID).deploy(JettyBase.DEMO_WAR, "demo.war");
        int registryPort = freePort();
        int rmiServerPort = freePort();
        try (JettyBase.Running jetty = base.start(JettyBase.START_TIMEOUT,
                "jetty.jmxremote.rmiregistryport=" + registryPort, "jetty.jmxremote.rmiserverport=" + rmiServerPort)) {
            // settled: the demo's checks are registered and the cluster layer has decided (INACTIVE on this host's lo)
            jetty.awaitResponse("/selfbalance/status", 200, "\"READINESS\":2", Duration.ofSeconds(20));
            jetty.awaitResponse("/selfbalance/status", 200, "\"state\":\"INACTIVE\"", Duration.ofSeconds(20));

            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://localhost:" + registryPort + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbeans = connector.getMBeanServerConnection();
                Set<ObjectName> names = mbeans.queryNames(new ObjectName("io.selfbalance.jetty:type=selfbalancelifecycle,*"), null);
                assertEquals(1, names.size(), "the Selfbalance MBean: " + names + "\nlog:\n" + jetty.log());
                ObjectName selfbalance = names.iterator().next();
                String[] attributeNames = java.util.Arrays.stream(mbeans.getMBeanInfo(selfbalance).getAttributes())
                    .map(MBeanAttributeInfo::getName).toArray(String[]::new);

                // the JSON before and after the JMX read must be the same snapshot, else read again
                Map<String, Object> attributes = null;
                String json = null;
                String seen = "";
                for (int attempt = 0; attempt < 10 && json == null; attempt++) {
                    String before = jetty.get("/selfbalance/status").body();
                    seen = "before: " + before;
                    attributes = new HashMap<>();
                    for (String name : attributeNames) {
                        // one by one: getAttributes would silently leave out an attribute that fails
                        attributes.put(name, mbeans.getAttribute(selfbalance, name));
                    }
                    if (before.equals(jetty.get("/selfbalance/status").body()) && before.equals(attributes.get("statusJson"))) {
                        json = before;
                    }
                    seen += "\nJMX:    " + attributes;
                }
                // Jetty names an attribute after its getter with a lower-case initial: getStatusJson() is statusJson
                assertTrue(json != null, "the status did not hold still for one JMX read:\n" + seen);
                assertTrue(attributes.keySet().containsAll(List.of("phase", "registeredChecks", "registeredChecksPerKind", "node",
                    "address", "interface", "clusterState", "clusterStateReason", "published", "roles", "vipPlacement", "routers",
                    "nodes", "ipvs", "transitions", "counters", "lastError", "statusJson")), attributes.keySet().toString());

                @SuppressWarnings("unchecked")
                Map<String, Object> status = (Map<String, Object>) Json.parse(json);
                assertEquals(status.get("node"), attributes.get("node"));
                assertEquals(status.get("address"), attributes.get("address"));
                assertEquals(status.get("interface"), attributes.get("interface"));
                assertEquals(status.get("state"), attributes.get("clusterState"));
                assertEquals(status.get("stateReason"), attributes.get("clusterStateReason"));
                assertEquals(status.get("published"), attributes.get("published"));
                assertEquals(status.get("lastError"), attributes.get("lastError"));
                assertSameValues(status.get("routers"), attributes.get("routers"), "Routers");
                assertSameValues(status.get("nodes"), attributes.get("nodes"), "Nodes");
                assertSameValues(status.get("ipvs"), attributes.get("ipvs"), "Ipvs");
                assertSameValues(status.get("transitions"), attributes.get("transitions"), "Transitions");
                assertSameValues(status.get("counters"), attributes.get("counters"), "Counters");
                @SuppressWarnings("unchecked")
                Map<String, Object> jettyPart = (Map<String, Object>) status.get("jetty");
                assertEquals(jettyPart.get("phase"), attributes.get("phase"));
                assertSameValues(jettyPart.get("registeredChecks"), attributes.get("registeredChecksPerKind"), "RegisteredChecksPerKind");
                @SuppressWarnings("unchecked")
                long checks = ((Map<String, Object>) jettyPart.get("registeredChecks")).values().stream().mapToLong(v -> (Long) v).sum();
                assertEquals(checks, ((Number) attributes.get("registeredChecks")).longValue());

                // what this host shows: the router is configured, the node itself is known, the layer says why it waits
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> routers = (List<Map<String, Object>>) status.get("routers");
                assertEquals(1, routers.size(), json);
                String[] roles = (String[]) attributes.get("roles");
                assertEquals(1, roles.length);
                assertTrue(roles[0].startsWith("main vrid 51 " + routers.get(0).get("role")), roles[0]);
                List<String> vipLines = new ArrayList<>(List.of((String[]) attributes.get("vipPlacement")));
                assertTrue(vipLines.stream().allMatch(l -> l.startsWith("192.168.77.254/24 on ")), vipLines.toString());
                assertTrue(((String) attributes.get("clusterStateReason")).contains("loopback"), json);
                assertEquals("SERVING", attributes.get("phase"));
            }

            // remote JMX by default: the RMI registry and server listen on loopback only
            for (int port : List.of(registryPort, rmiServerPort)) {
                List<InetAddress> listening = listeningAddresses(port);
                assertTrue(!listening.isEmpty() && listening.stream().allMatch(InetAddress::isLoopbackAddress),
                    "port " + port + " listens on " + listening);
            }
            // forwarded is active (the demo sees the header's client), yet the status decides on the socket's peer:
            // a header claiming a remote client does not lock a loopback operator out (the remote case, a header
            // claiming loopback, is refused in SelfbalanceUmlIT from another namespace)
            HttpResponse<String> whoami = jetty.get("/demo/api/whoami", "X-Forwarded-For", "203.0.113.7");
            assertTrue(whoami.body().contains("\"client\":\"203.0.113.7\""), whoami.body());
            assertEquals(200, jetty.get("/selfbalance/status", "X-Forwarded-For", "203.0.113.7").statusCode());
        }
    }

    /** The local addresses of the TCP sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
    private static List<InetAddress> listeningAddresses(int port) throws Exception {
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.exists(Path.of(table))) {
                continue; // no IPv6 in this kernel
            }
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (!"0A".equals(fields[3]) || Integer.parseInt(local[1], 16) != port) {
                    continue; // not LISTEN on that port
                }
                // the kernel prints the address as 32-bit words in host (little-endian) order
                byte[] raw = new byte[local[0].length() / 2];
                for (int word = 0; word < raw.length / 4; word++) {
                    for (int b = 0; b < 4; b++) {
                        raw[word * 4 + b] = (byte) Integer.parseInt(local[0].substring(word * 8 + (3 - b) * 2, word * 8 + (3 - b) * 2 + 2), 16);
                    }
                }
                addresses.add(InetAddress.getByAddress(raw));
            }
        }
        return addresses;
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
