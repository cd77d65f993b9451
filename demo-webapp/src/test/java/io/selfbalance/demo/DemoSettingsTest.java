package io.selfbalance.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DemoSettingsTest {

    @Test
    void systemPropertyWinsOverEnvironment() {
        Map<String, String> props = Map.of(DemoSettings.NODE_PROPERTY, "from-prop", DemoSettings.DOWN_FILE_PROPERTY, "/tmp/x.down");
        DemoSettings settings = DemoSettings.resolve(props::get,
            Map.of(DemoSettings.NODE_ENV, "from-env", DemoSettings.DOWN_FILE_ENV, "/tmp/y.down"));
        assertEquals("from-prop", settings.nodeName());
        assertEquals(Path.of("/tmp/x.down"), settings.downFile());
    }

    @Test
    void environmentUsedWhenNoProperty() {
        DemoSettings settings = DemoSettings.resolve(key -> null,
            Map.of(DemoSettings.NODE_ENV, " node7 ", DemoSettings.DOWN_FILE_ENV, "/tmp/y.down"));
        assertEquals("node7", settings.nodeName());
        assertEquals(Path.of("/tmp/y.down"), settings.downFile());
    }

    @Test
    void defaultsAreHostNameAndFileInJettyBase() {
        Map<String, String> props = Map.of("jetty.base", "/srv/base1");
        DemoSettings settings = DemoSettings.resolve(props::get, Map.of());
        assertFalse(settings.nodeName().isBlank());
        assertEquals(Path.of("/srv/base1/selfbalance-demo.down"), settings.downFile());
    }

    @Test
    void blankValuesAreIgnored() {
        Map<String, String> props = Map.of(DemoSettings.NODE_PROPERTY, "  ", "jetty.base", "/srv/b");
        DemoSettings settings = DemoSettings.resolve(props::get, Map.of(DemoSettings.NODE_ENV, "envnode"));
        assertEquals("envnode", settings.nodeName());
    }

    @Test
    void blankNodeNameRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DemoSettings(" ", Path.of("/x")));
    }

    /**
     * Selfbalance rejects every unknown {@code selfbalance.*} system property and {@code SELFBALANCE_*}
     * environment variable (typos must not pass silently), so the demo's own settings must live outside
     * that namespace or a node started with them would refuse to start.
     */
    @org.junit.jupiter.api.Test
    void settingsStayOutsideSelfbalanceConfigurationNamespace() {
        for (String key : new String[] {DemoSettings.NODE_PROPERTY, DemoSettings.DOWN_FILE_PROPERTY}) {
            org.junit.jupiter.api.Assertions.assertFalse(key.startsWith("selfbalance."), key);
        }
        for (String env : new String[] {DemoSettings.NODE_ENV, DemoSettings.DOWN_FILE_ENV}) {
            org.junit.jupiter.api.Assertions.assertFalse(env.startsWith("SELFBALANCE_"), env);
        }
    }
}
