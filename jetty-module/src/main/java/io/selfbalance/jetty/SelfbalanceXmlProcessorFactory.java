package io.selfbalance.jetty;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.xml.ConfigurationProcessor;
import org.eclipse.jetty.xml.ConfigurationProcessorFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.eclipse.jetty.xml.XmlParser;

/**
 * Processes {@code etc/selfbalance.xml}, whose root element is {@code <Selfbalance/>} instead of {@code <Configure>}.
 *
 * <p>Why not a plain {@code <Configure>} file: Jetty XML can only read properties one {@code <Property name=...>} at a
 * time, and Selfbalance has named groups ({@code selfbalance.routers.<name>.vrid}, {@code selfbalance.nodes.<name>.*})
 * whose names the XML cannot know in advance. start.jar hands every property of {@code start.d/*.ini}, the command
 * line and {@code -D} system properties to each XML file's {@link XmlConfiguration#getProperties()}; Jetty finds
 * this factory through {@link java.util.ServiceLoader} (our jar is on the server class path when the XML runs) and
 * gives us that {@code XmlConfiguration}, so the bean receives exactly the properties start.jar resolved.
 *
 * <p>The element creates a {@link SelfbalanceLifeCycle} with every {@code selfbalance.*} and {@code mp.health.*}
 * property, adds it as a managed bean of the {@code Server} (id {@code Server}, from {@code etc/jetty.xml}) and
 * registers it under the id {@code Selfbalance} for later XML files (for example to hand it to JMX).
 */
public final class SelfbalanceXmlProcessorFactory implements ConfigurationProcessorFactory {

    /** The root element this factory handles. */
    public static final String ROOT_ELEMENT = "Selfbalance";
    /** The XML id under which the bean is registered. */
    public static final String BEAN_ID = "Selfbalance";

    @Override
    public ConfigurationProcessor getConfigurationProcessor(String dtd, String tag) {
        return ROOT_ELEMENT.equals(tag) ? new Processor() : null;
    }

    /**
     * Only the properties Selfbalance reads ({@code selfbalance.*}, {@code mp.health.*}, {@code jetty.http.port}), so the
     * bean never sees unrelated (possibly secret) settings.
     */
    static Map<String, String> selfbalanceProperties(Map<String, String> all) {
        Map<String, String> ours = new TreeMap<>();
        all.forEach((key, value) -> {
            if (key.startsWith(SelfbalanceLifeCycle.PROPERTY_PREFIX) || key.startsWith(SelfbalanceLifeCycle.MP_HEALTH_PREFIX)
                || key.equals(SelfbalanceLifeCycle.HTTP_PORT_PROPERTY)) {
                ours.put(key, value);
            }
        });
        return ours;
    }

    private static final class Processor implements ConfigurationProcessor {
        private XmlConfiguration configuration;
        private Resource location;

        @Override
        public void init(Resource url, XmlParser.Node root, XmlConfiguration configuration) {
            this.location = url;
            this.configuration = Objects.requireNonNull(configuration, "configuration");
        }

        @Override
        public Object configure() throws Exception {
            Object server = configuration.getIdMap().get("Server");
            if (server == null) {
                throw new IllegalStateException(location + ": no object with id 'Server'; etc/selfbalance.xml must run after"
                    + " etc/jetty.xml (the 'selfbalance' module depends on 'server')");
            }
            return configure(server);
        }

        @Override
        public Object configure(Object target) throws Exception {
            if (!(target instanceof Server server)) {
                throw new IllegalStateException(location + ": <" + ROOT_ELEMENT + "> configures a " + Server.class.getName()
                    + ", not " + (target == null ? "null" : target.getClass().getName()));
            }
            Object contexts = configuration.getIdMap().get("Contexts");
            if (!(contexts instanceof ContextHandlerCollection)) {
                contexts = server.getDescendant(ContextHandlerCollection.class);
            }
            if (contexts == null) {
                throw new IllegalStateException(location + ": the server has no " + ContextHandlerCollection.class.getSimpleName()
                    + " (id 'Contexts' in etc/jetty.xml) to add the /health context to");
            }
            SelfbalanceLifeCycle selfbalance = new SelfbalanceLifeCycle(server, (ContextHandlerCollection) contexts,
                selfbalanceProperties(configuration.getProperties()),
                SelfbalanceLifeCycle.propertiesFile(configuration.getProperties()));
            server.addBean(selfbalance, true);
            configuration.getIdMap().put(BEAN_ID, selfbalance);
            // returning the Server (already known to XmlConfiguration.main) means start.jar starts the Server, which
            // starts us as its managed bean, instead of starting us a second time on our own
            return server;
        }
    }
}
