package io.selfbalance.jetty;

import static io.selfbalance.jetty.OpenDataJson.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.selfbalance.health.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * by a remote JMX client as an operator's jconsole would: its attributes hold the values the status JSON serves.
 */
class SelfbalanceJmxIT {

    @TempDir
    Path temp;

    @Test
    void remoteJmxAttributesShowTheStatusJsonsValues() throws Exception {
        JettyBase base = JettyBase.installed(temp.resolve("base"), "http,ee10-deploy,jmx,jmx-remote,selfbalance")
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
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
