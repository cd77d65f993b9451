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
        assertEquals(1, contexts.getHandlers().size());
        assertEquals(HealthEndpointHandler.CONTEXT_PATH, ((ContextHandler) contexts.getHandlers().get(0)).getContextPath());
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
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> configuration(server, contexts, properties).configure());
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.interface"), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.routers.main.priority=300"), e.getMessage());
        assertTrue(e.getMessage().contains("selfbalance.vip-lifetime=1s"), e.getMessage());
        assertEquals(0, contexts.getHandlers().size(), "nothing added on failure");
    }

    @Test
    void onlySelfbalanceAndMicroProfileHealthPropertiesReachTheBean() {
        Map<String, String> ours = SelfbalanceXmlProcessorFactory.selfbalanceProperties(Map.of(
            "selfbalance.interface", "eth0", "mp.health.default.readiness.empty.response", "UP",
            "jetty.sslContext.keyStorePassword", "secret", "selfbalancer.x", "y"));
        assertEquals(Map.of("selfbalance.interface", "eth0", "mp.health.default.readiness.empty.response", "UP"), ours);
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
