package io.selfbalance.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads {@link SelfbalanceConfig} from its four sources and validates it completely.
 *
 * <p>Sources, highest precedence first:
 * <ol>
 * <li>system properties ({@code -Dselfbalance.interface=eth0});</li>
 * <li>environment variables ({@code SELFBALANCE_INTERFACE=eth0}, {@code SELFBALANCE_ROUTERS_MAIN_VRID=51}:
 *     upper case, every non-alphanumeric character as {@code _});</li>
 * <li>Jetty properties: {@code start.d/*.ini} and the {@code start.jar} command line. start.jar hands
 *     these to the Jetty XML, not to {@link System#getProperties()}, so the caller passes them in;</li>
 * <li>an optional {@code selfbalance.properties} file (skipped when it does not exist).</li>
 * </ol>
 *
 * <p>Validation happens in one pass and reports every problem at once: unknown {@code selfbalance.*}
 * keys (in every source, with a "did you mean"), values that do not convert, missing required keys,
 * Bean Validation constraints of the mapping, and the cross-field rules of {@link CrossFieldRules}.
 * A key with a conversion problem is left out of the later stages (its default, or a placeholder
 * for a required key, stands in) so the remaining keys are still checked.
 */
public final class SelfbalanceConfigLoader {

    /** The configuration prefix. */
    public static final String PREFIX = "selfbalance.";

    static final String SOURCE_SYSTEM = "system properties";
    static final String SOURCE_ENV = "the environment";
    static final String SOURCE_JETTY = "Jetty properties: start.d/*.ini or the start.jar command line";
    static final String SOURCE_FILE = "file ";

    static final KeyCatalog CATALOG = KeyCatalog.of(SelfbalanceConfig.class);

    /** What a missing required key must be, so the message says what is allowed. */
    private static final Map<String, String> REQUIRED_HINTS = Map.of(
            "selfbalance.interface", "required: the network interface that carries the VIPs, e.g. eth0",
            "selfbalance.routers.*.vrid", "required: the virtual router id, 1..255",
            "selfbalance.routers.*.vips", "required: one or more virtual addresses in CIDR form, e.g. 192.168.77.254/24",
            "selfbalance.nodes.*.address", "required: the node's IP address, e.g. 192.168.77.11");

    /** Stand-ins for missing or unconvertible required keys, so the other keys can still be validated. */
    private static final Map<String, String> PLACEHOLDERS = Map.of(
            "selfbalance.interface", "placeholder0",
            "selfbalance.routers.*.vrid", "1",
            "selfbalance.routers.*.vips", "192.0.2.1/32",
            "selfbalance.nodes.*.address", "192.0.2.1");

    /** Building a Hibernate Validator factory takes a few hundred milliseconds: once per JVM is enough. */
    private static final BeanValidationConfigValidator BEAN_VALIDATION = new BeanValidationConfigValidatorImpl();

    private SelfbalanceConfigLoader() {
    }

    /**
     * Loads with the process's real environment and system properties.
     *
     * @param jettyProperties the Jetty properties (start.d ini files and start.jar command line)
     * @param propertiesFile  an optional {@code selfbalance.properties}; skipped if it does not exist
     * @throws ConfigurationException listing every problem
     */
    public static SelfbalanceConfig load(Map<String, String> jettyProperties, Optional<Path> propertiesFile) {
        return load(jettyProperties, propertiesFile, System.getenv(), System.getProperties());
    }

    /**
     * Loads from explicitly given sources (tests control every source this way).
     *
     * @throws ConfigurationException listing every problem
     */
    public static SelfbalanceConfig load(Map<String, String> jettyProperties, Optional<Path> propertiesFile,
                                         Map<String, String> environment, Properties systemProperties) {
        return loadWithSources(jettyProperties, propertiesFile, environment, systemProperties).config();
    }

    /**
     * The loaded configuration together with where each explicitly set key came from.
     *
     * @param config  the validated mapping
     * @param origins for every key set in some source: the winning source (e.g. {@code environment})
     */
    public record Loaded(SelfbalanceConfig config, Map<String, String> origins) {
    }

    /**
     * Like {@link #load(Map, Optional, Map, Properties)} but also says which source each key came from.
     *
     * @throws ConfigurationException listing every problem
     */
    public static Loaded loadWithSources(Map<String, String> jettyProperties, Optional<Path> propertiesFile,
                                         Map<String, String> environment, Properties systemProperties) {
        List<Problem> problems = new ArrayList<>();

        // 1. the raw sources, highest precedence first
        Map<String, String> fileProperties = new LinkedHashMap<>();
        String fileSource = SOURCE_FILE + propertiesFile.map(Path::toString).orElse("selfbalance.properties");
        propertiesFile.ifPresent(path -> readPropertiesFile(path, fileProperties, problems));
        Map<String, String> systemMap = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            systemMap.put(name, systemProperties.getProperty(name));
        }
        Map<String, String> jettyMap = jettyProperties == null ? Map.of() : jettyProperties;

        Map<String, Map<String, String>> dotted = new LinkedHashMap<>();
        dotted.put(SOURCE_SYSTEM, ours(systemMap));
        dotted.put(SOURCE_JETTY, ours(jettyMap));
        dotted.put(fileSource, fileProperties);

        // map names known from the dotted sources, so SELFBALANCE_ROUTERS_WEB_V4_VRID finds "web-v4"
        Set<String> knownEntryNames = new HashSet<>();
        for (Map<String, String> source : dotted.values()) {
            for (String key : source.keySet()) {
                CATALOG.find(key).flatMap(k -> KeyCatalog.entryName(k, key)).ifPresent(knownEntryNames::add);
            }
        }
        Map<String, String> variableByKey = new HashMap<>();
        Map<String, String> envMap = translateEnvironment(environment, knownEntryNames, variableByKey, problems);

        Map<String, Map<String, String>> sources = new LinkedHashMap<>();
        sources.put(SOURCE_SYSTEM, dotted.get(SOURCE_SYSTEM));
        sources.put(SOURCE_ENV, envMap);
        sources.put(SOURCE_JETTY, dotted.get(SOURCE_JETTY));
        sources.put(fileSource, fileProperties);

        // 2. effective raw values and unknown keys (from every source, not just the winning one)
        Map<String, String> effective = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> source : sources.entrySet()) {
            for (Map.Entry<String, String> e : source.getValue().entrySet()) {
                String key = e.getKey();
                String value = e.getValue() == null ? "" : e.getValue();
                if (CATALOG.find(key).isEmpty()) {
                    String hint = CATALOG.suggest(key).map(s -> "; did you mean " + s + "?").orElse("");
                    problems.add(Problem.of(key, value, "unknown key (in " + source.getKey() + ")" + hint));
                    continue;
                }
                boolean list = CATALOG.find(key).orElseThrow().list();
                if (list) {
                    // "a, ,b" is "a,b"; a list of nothing is not set; "\," stays an escaped comma for SmallRye
                    value = String.join(",", splitList(value).stream().filter(v -> !v.isEmpty()).toList());
                }
                if (value.isBlank()) {
                    continue; // an empty value means "not set", as in SmallRye
                }
                if (!effective.containsKey(key)) {
                    effective.put(key, list ? value : value.trim()); // a list is trimmed per element already
                    origins.put(key, source.getKey());
                }
            }
        }

        // 3. conversion of every value, and required keys of every map entry
        Set<String> tainted = new HashSet<>();
        Map<String, String> sanitized = new TreeMap<>();
        for (Map.Entry<String, String> e : effective.entrySet()) {
            KeyCatalog.Key key = CATALOG.find(e.getKey()).orElseThrow();
            Optional<String> conversionProblem = conversionProblem(key, e.getValue());
            if (conversionProblem.isPresent()) {
                problems.add(Problem.of(e.getKey(), e.getValue(), conversionProblem.get()));
                tainted.add(e.getKey());
            } else {
                sanitized.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Set<String>> entries = entryNamesByMap(effective.keySet());
        for (KeyCatalog.Key key : CATALOG.keys()) {
            if (!key.required()) {
                continue;
            }
            List<String> concrete = new ArrayList<>();
            if (key.mapPrefix() == null) {
                concrete.add(key.pattern());
            } else {
                for (String name : entries.getOrDefault(key.mapPrefix(), Set.of())) {
                    concrete.add(key.pattern().replace("*", name));
                }
            }
            for (String k : concrete) {
                if (!effective.containsKey(k)) {
                    problems.add(Problem.of(k, null, REQUIRED_HINTS.getOrDefault(key.pattern(), "required")));
                    tainted.add(k);
                }
                if (tainted.contains(k)) {
                    sanitized.put(k, PLACEHOLDERS.getOrDefault(key.pattern(), ""));
                }
            }
        }

        // 4. the SmallRye mapping over the values that converted, then Bean Validation
        SmallRyeConfig smallRye;
        try {
            smallRye = new SmallRyeConfigBuilder()
                    .withSources(new PropertiesConfigSource(sanitized, "selfbalance (validated sources)", 500))
                    .withConverter(Duration.class, 1000, new DurationConverter())
                    .withConverter(Integer.class, 1000, ValueConverters.INTEGER)
                    .withConverter(Boolean.class, 1000, ValueConverters.BOOLEAN)
                    .withConverter(InetAddress.class, 1000, ValueConverters.INET_ADDRESS)
                    .withConverter(IpPrefix.class, 1000, ValueConverters.IP_PREFIX)
                    .withConverter(URI.class, 1000, ValueConverters.HTTP_URI)
                    .withConverter(V3Checksum.class, 1000, ValueConverters.V3_CHECKSUM)
                    .withConverter(ServiceProtocol.class, 1000, ValueConverters.SERVICE_PROTOCOL)
                    .withConverter(Forwarding.class, 1000, ValueConverters.FORWARDING)
                    .withConverter(ResignOn.class, 1000, ValueConverters.RESIGN_ON)
                    .withMapping(SelfbalanceConfig.class)
                    .withValidateUnknown(false) // done above, for every source and with our message format
                    .build();
        } catch (ConfigValidationException e) {
            // not expected: every value was converted above; report SmallRye's words rather than crash
            List<String> lines = new ArrayList<>(problems.stream().map(Problem::format).toList());
            for (int i = 0; i < e.getProblemCount(); i++) {
                lines.add(e.getProblem(i).getMessage());
            }
            throw new ConfigurationException(lines);
        }
        SelfbalanceConfig config = smallRye.getConfigMapping(SelfbalanceConfig.class);
        RawValues raw = new RawValues(effective, tainted);
        try {
            BEAN_VALIDATION.validateMapping(SelfbalanceConfig.class, "selfbalance", config);
        } catch (ConfigValidationException e) {
            for (int i = 0; i < e.getProblemCount(); i++) {
                String text = e.getProblem(i).getMessage();
                int space = text.indexOf(' ');
                String key = space < 0 ? text : text.substring(0, space);
                String message = space < 0 ? "invalid" : text.substring(space + 1);
                if (!tainted.contains(key)) {
                    problems.add(Problem.of(key, raw.valueOrDefault(key), message));
                    tainted.add(key);
                }
            }
        }

        // 5. rules across keys, skipping verdicts that rest on a key already reported
        for (Problem p : CrossFieldRules.check(config, raw)) {
            if (p.involves().stream().noneMatch(tainted::contains)) {
                problems.add(p);
            }
        }

        if (!problems.isEmpty()) {
            List<String> lines = problems.stream()
                    .sorted(Comparator.comparing(Problem::key))
                    .map(p -> {
                        // a value from the environment: say which variable, the user never wrote the dotted key
                        String variable = variableByKey.get(p.key());
                        boolean fromEnv = p.value() != null && SOURCE_ENV.equals(origins.get(p.key())) && variable != null;
                        return fromEnv ? p.format() + " (set by " + variable + " in the environment)" : p.format();
                    })
                    .distinct()
                    .toList();
            throw new ConfigurationException(lines);
        }
        return new Loaded(config, origins);
    }

    /**
     * Warnings about things only knowable at run time: a VIP outside every subnet of the interface
     * (clients on the segment then cannot reach it without an extra route) and a node outside every
     * subnet (direct routing needs every node on the same layer-2 segment).
     *
     * @param config             the loaded configuration
     * @param interfaceName      the interface's name, for the message
     * @param interfacePrefixes  the addresses with prefix length configured on the interface
     * @return one line per warning, in the same {@code key=value: message} form as the errors
     */
    public static List<String> runtimeWarnings(SelfbalanceConfig config, String interfaceName, List<IpPrefix> interfacePrefixes) {
        return CrossFieldRules.runtimeWarnings(config, interfaceName, interfacePrefixes);
    }

    /** The raw text of the effective values, for messages, and the keys that already have a problem. */
    record RawValues(Map<String, String> effective, Set<String> tainted) {

        /** The value as written, or the key's default when it was not set. */
        String valueOrDefault(String key) {
            String value = effective.get(key);
            if (value != null) {
                return value;
            }
            return CATALOG.find(key).map(KeyCatalog.Key::defaultValue).orElse(null);
        }
    }

    private static Map<String, String> ours(Map<String, String> source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static void readPropertiesFile(Path path, Map<String, String> into, List<Problem> problems) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            return; // the file is optional
        } catch (IOException | IllegalArgumentException e) {
            problems.add(new Problem(path.toString(), null, "cannot be read as a properties file: " + e, Set.of()));
            return;
        }
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            into.put(name, properties.getProperty(name));
        }
    }

    /**
     * {@code SELFBALANCE_*} variables to dotted keys, through the key catalog: a variable that matches
     * no key is an error like any unknown key. Map names come back in lower case unless a dotted source
     * already uses a name with the same upper-case form (then that spelling, e.g. {@code web-v4}).
     */
    static Map<String, String> translateEnvironment(Map<String, String> environment, Set<String> knownEntryNames,
                                                            Map<String, String> variableByKey,
                                                            List<Problem> problems) {
        Map<String, String> byEnvForm = new HashMap<>();
        for (String name : knownEntryNames) {
            byEnvForm.put(KeyCatalog.toEnvName(name), name);
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String variable = e.getKey();
            if (variable.startsWith(PREFIX)) {
                out.put(variable, e.getValue()); // a dotted name in the environment is taken as is
                continue;
            }
            if (!variable.startsWith("SELFBALANCE_")) {
                continue;
            }
            String best = null;
            int bestNameLength = Integer.MAX_VALUE;
            for (KeyCatalog.Key key : CATALOG.keys()) {
                Matcher m = key.envRegex().matcher(variable);
                if (!m.matches()) {
                    continue;
                }
                if (m.groupCount() == 0) {
                    best = key.pattern();
                    break;
                }
                String envName = m.group(1);
                if (m.group(1).length() < bestNameLength && !envName.startsWith("_") && !envName.endsWith("_")) {
                    bestNameLength = envName.length();
                    String name = byEnvForm.getOrDefault(envName, envName.toLowerCase(java.util.Locale.ROOT));
                    best = key.pattern().replace("*", name);
                }
            }
            if (best == null) {
                String hint = CATALOG.suggestEnv(variable).map(s -> "; did you mean " + s + "?").orElse("");
                problems.add(Problem.of(variable, e.getValue(), "unknown key (in the environment)" + hint));
            } else {
                out.put(best, e.getValue());
                variableByKey.put(best, variable);
            }
        }
        return out;
    }

    /**
     * Splits a list value at its unescaped commas and trims each element, keeping every escape ({@code \,},
     * {@code \\}, an escaped trailing space) as written so that SmallRye, which reads the re-joined value,
     * still sees them.
     */
    static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder element = new StringBuilder();
        int keep = 0; // length of the element up to its last character that trimming must keep
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                element.append(c).append(value.charAt(++i));
                keep = element.length();
            } else if (c == ',') {
                out.add(element.substring(0, keep).stripLeading());
                element.setLength(0);
                keep = 0;
            } else {
                element.append(c);
                if (!Character.isWhitespace(c)) {
                    keep = element.length();
                }
            }
        }
        out.add(element.substring(0, keep).stripLeading());
        return out;
    }

    private static Map<String, Set<String>> entryNamesByMap(Set<String> keys) {
        Map<String, Set<String>> out = new HashMap<>();
        for (String key : keys) {
            KeyCatalog.Key k = CATALOG.find(key).orElseThrow();
            if (k.mapPrefix() != null) {
                KeyCatalog.entryName(k, key).ifPresent(name -> out.computeIfAbsent(k.mapPrefix(), p -> new TreeSet<>()).add(name));
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Optional<String> conversionProblem(KeyCatalog.Key key, String value) {
        Converter converter = converterFor(key.valueType());
        if (converter == null) {
            return Optional.empty(); // strings: checked by Bean Validation
        }
        try {
            if (key.list()) {
                for (String element : value.split(",")) {
                    if (!element.isBlank()) {
                        converter.convert(element.trim());
                    }
                }
            } else {
                converter.convert(value);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (key.list() && value.contains(",")) {
                // name the element that failed in a list
                for (String element : value.split(",")) {
                    try {
                        converter.convert(element.trim());
                    } catch (IllegalArgumentException again) {
                        return Optional.of("'" + element.trim() + "' is " + again.getMessage());
                    }
                }
            }
            return Optional.of(message);
        }
    }

    private static Converter<?> converterFor(Class<?> type) {
        if (type == Integer.class) {
            return ValueConverters.INTEGER;
        } else if (type == Boolean.class) {
            return ValueConverters.BOOLEAN;
        } else if (type == Duration.class) {
            return new DurationConverter();
        } else if (type == InetAddress.class) {
            return ValueConverters.INET_ADDRESS;
        } else if (type == IpPrefix.class) {
            return ValueConverters.IP_PREFIX;
        } else if (type == URI.class) {
            return ValueConverters.HTTP_URI;
        } else if (type == V3Checksum.class) {
            return ValueConverters.V3_CHECKSUM;
        } else if (type == ServiceProtocol.class) {
            return ValueConverters.SERVICE_PROTOCOL;
        } else if (type == Forwarding.class) {
            return ValueConverters.FORWARDING;
        } else if (type == ResignOn.class) {
            return ValueConverters.RESIGN_ON;
        }
        return null;
    }
}
