package io.selfbalance.jetty;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.selfbalance.config.ConfigurationException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** etc/selfbalance.xml run by Jetty's own XmlConfiguration, in process, the way start.jar runs it. */
class SelfbalanceXmlProcessorTest {

    private static final Path XML = Path.of("src/main/jetty-base/etc/selfbalance.xml");

    private static XmlConfiguration configuration(Server server, ContextHandlerCollection contexts, Map<String, String> properties)
        throws Exception {
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(XML));
        xml.getIdMap().put("Server", server);
        xml.getIdMap().put("Contexts", contexts);
        xml.getProperties().putAll(properties);
        return xml;
    }

    private static Map<String, String> validProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : JettyBaseConfig.VALID) {
            properties.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return properties;
    }

    @Test
    void addsTheBeanWithEveryNamedGroupAndTheHealthContext() throws Exception {
        Server server = new Server();
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        Map<String, String> properties = validProperties();
        properties.put("selfbalance.routers.second.vrid", "52");
        properties.put("selfbalance.routers.second.vips", "192.168.77.253/24");
        properties.put("jetty.http.port", "8080");
        XmlConfiguration xml = configuration(server, contexts, properties);

        assertSame(server, xml.configure());

        SelfbalanceLifeCycle bean = server.getBean(SelfbalanceLifeCycle.class);
        assertSame(bean, xml.getIdMap().get(SelfbalanceXmlProcessorFactory.BEAN_ID));
        assertEquals("lo", bean.config().networkInterface());
        assertEquals(java.util.Set.of("main", "second"), bean.config().routers().keySet(), "named groups arrive whole");
        assertEquals(52, bean.config().routers().get("second").vrid());
        // the health context, the status JSON, the metrics and the status page (enabled by default)
        assertEquals(4, contexts.getHandlers().size());
        assertEquals(HealthEndpointHandler.CONTEXT_PATH, ((ContextHandler) contexts.getHandlers().get(0)).getContextPath());
        assertEquals("/selfbalance/status", ((ContextHandler) contexts.getHandlers().get(1)).getContextPath());
        assertEquals("/selfbalance/metrics", ((ContextHandler) contexts.getHandlers().get(2)).getContextPath());
        assertEquals("/selfbalance/status.html", ((ContextHandler) contexts.getHandlers().get(3)).getContextPath());
        assertEquals(SelfbalanceStatus.Phase.CONFIGURED, bean.status().phase());
    }

    @Test
    void badConfigurationFailsTheXmlWithEveryProblem() throws Exception {
        Server server = new Server();
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        Map<String, String> properties = validProperties();
        properties.remove("selfbalance.interface");
        properties.put("selfbalance.routers.main.priority", "300");
        properties.put("selfbalance.vip-lifetime", "1s");
        properties.put("jetty.http.port", "http");
        properties.put("mp.health.default.readiness.empty.response", "SOMETIMES");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> configuration(server, contexts, properties).configure());
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("jetty.http.port=http"), e.getMessage());
        assertTrue(e.getMessage().contains("mp.health.default.readiness.empty.response=SOMETIMES"), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.interface"), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.routers.main.priority=300"), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.vip-lifetime=1s"), e.getMessage());
        assertEquals(0, contexts.getHandlers().size(), "nothing added on failure");
    }

    @Test
    void runTimeDefaultsComeFromTheHostAndJettysPort() throws Exception {
        Server server = new Server();
        Map<String, String> properties = validProperties();
        properties.remove("selfbalance.address"); // default: the primary address of lo, 127.0.0.1
        properties.put("jetty.http.port", "8181");
        configuration(server, new ContextHandlerCollection(), properties).configure();
        io.selfbalance.config.EffectiveConfig effective = server.getBean(SelfbalanceLifeCycle.class).effectiveConfig();
        assertEquals("127.0.0.1", effective.address().getHostAddress());
        assertEquals("n1", effective.self().name());
        assertEquals(8181, effective.services().get(0).port());
        assertEquals("http://127.0.0.1:8181/health/ready", effective.self().healthUrl().toString());
    }

    @Test
    void hostLevelProblemsNameTheKey() throws Exception {
        Map<String, String> noSuchInterface = validProperties();
        noSuchInterface.put("selfbalance.interface", "nosuch0");
        ConfigurationException e = assertThrows(ConfigurationException.class,
            () -> configuration(new Server(), new ContextHandlerCollection(), noSuchInterface).configure());
        assertTrue(e.problems().get(0).startsWith("selfbalance.interface=nosuch0: no such network interface on this host; it has "), e.getMessage());
        assertTrue(e.problems().get(0).contains("lo"), e.getMessage());

        Map<String, String> notANode = validProperties();
        notANode.put("selfbalance.address", "127.0.0.2");
        e = assertThrows(ConfigurationException.class,
            () -> configuration(new Server(), new ContextHandlerCollection(), notANode).configure());
        assertTrue(e.problems().get(0).startsWith("selfbalance.address=127.0.0.2: "), e.getMessage());

        Map<String, String> portZero = validProperties();
        portZero.put("jetty.http.port", "0");
        e = assertThrows(ConfigurationException.class,
            () -> configuration(new Server(), new ContextHandlerCollection(), portZero).configure());
        assertTrue(e.problems().get(0).startsWith("jetty.http.port=0: Selfbalance needs a fixed HTTP port"), e.getMessage());
    }

    @Test
    void onlySelfbalanceAndMicroProfileHealthPropertiesReachTheBean() {
        Map<String, String> ours = SelfbalanceXmlProcessorFactory.selfbalanceProperties(Map.of(
            "selfbalance.interface", "eth0", "mp.health.default.readiness.empty.response", "UP",
            "jetty.sslContext.keyStorePassword", "secret", "selfbalancer.x", "y", "jetty.http.port", "8081"));
        assertEquals(Map.of("selfbalance.interface", "eth0", "mp.health.default.readiness.empty.response", "UP",
            "jetty.http.port", "8081"), ours);
    }

    @Test
    void microProfileEmptyResponsesAreRead() {
        assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP,
            SelfbalanceLifeCycle.healthSettings(Map.of("mp.health.default.readiness.empty.response", "up")).emptyReadinessResponse());
        assertEquals(org.eclipse.microprofile.health.HealthCheckResponse.Status.DOWN,
            SelfbalanceLifeCycle.healthSettings(Map.of()).emptyStartupResponse());
        ConfigurationException e = assertThrows(ConfigurationException.class,
            () -> SelfbalanceLifeCycle.healthSettings(Map.of("mp.health.default.startup.empty.response", "maybe")));
        assertEquals("mp.health.default.startup.empty.response=maybe: must be UP or DOWN", e.problems().get(0));
    }
}
