package io.selfbalance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README's configuration reference must list every key, with the default the mapping really has. */
class ReadmeReferenceTest {

    private static String configurationReference() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("## Configuration reference");
        assertTrue(start >= 0, "README.md has no '## Configuration reference' section");
        int end = readme.indexOf("\n## ", start + 1);
        return end < 0 ? readme.substring(start) : readme.substring(start, end);
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws IOException {
        String reference = configurationReference();
        List<String> missing = new ArrayList<>();
        for (KeyCatalog.Key key : SelfbalanceConfigLoader.CATALOG.keys()) {
            String documented = key.pattern().replace("*", "<name>");
            Matcher row = Pattern.compile("^\\| `" + Pattern.quote(documented) + "` \\| ([^|]*) \\|", Pattern.MULTILINE)
                    .matcher(reference);
            if (!row.find()) {
                missing.add(documented + " (no table row)");
            } else if (key.defaultValue() != null && !row.group(1).startsWith("`" + key.defaultValue() + "`")) {
                missing.add(documented + " (default should be `" + key.defaultValue() + "`, README says " + row.group(1) + ")");
            } else if (key.required() && !row.group(1).equals("(required)")) {
                missing.add(documented + " (should say (required))");
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theThreeNodeExampleIsValid() throws IOException {
        String reference = configurationReference();
        Matcher block = Pattern.compile("```ini\n(.*?)```", Pattern.DOTALL).matcher(reference);
        assertTrue(block.find(), "no ```ini example");
        Properties ini = new Properties();
        ini.load(new StringReader(block.group(1)));
        Map<String, String> jetty = new HashMap<>();
        ini.stringPropertyNames().forEach(k -> jetty.put(k, ini.getProperty(k)));
        SelfbalanceConfig config = SelfbalanceConfigLoader.load(jetty, Optional.empty(), Map.of(), new Properties());
        EffectiveConfig effective = EffectiveConfig.resolve(config, IpAddresses.parseLiteral("192.168.77.11"), 8080);
        assertEquals(3, effective.nodes().size());
        assertEquals("node1", effective.self().name());
    }
}
