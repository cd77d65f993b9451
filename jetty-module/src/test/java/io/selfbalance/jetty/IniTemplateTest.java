package io.selfbalance.jetty;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.selfbalance.config.SelfbalanceConfig;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module's {@code [ini-template]} documents every key of {@link SelfbalanceConfig} with its default, so
 * {@code start.d/selfbalance.ini} can never fall behind the configuration mapping.
 */
class IniTemplateTest {

    /** Example names the template uses for the named groups. */
    private static final Map<String, String> EXAMPLE_NAMES = Map.of(
        "selfbalance.routers", "main", "selfbalance.services", "http", "selfbalance.nodes", "node1");

    record Key(String name, String defaultValue) {
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String mod = Files.readString(Path.of("src/main/jetty-base/modules/selfbalance.mod"));
        String template = mod.substring(mod.indexOf("[ini-template]"));
        List<Key> keys = new ArrayList<>();
        walk(SelfbalanceConfig.class, "selfbalance", keys);
        assertTrue(keys.size() >= 30, keys.toString());
        for (Key key : keys) {
            Matcher line = Pattern.compile("(?m)^# " + Pattern.quote(key.name()) + "=(.*)$").matcher(template);
            assertTrue(line.find(), "[ini-template] does not document " + key.name());
            if (key.defaultValue() != null) {
                assertEquals(key.defaultValue(), line.group(1), "default of " + key.name());
            }
        }
        Matcher documented = Pattern.compile("(?m)^# (selfbalance\\.[^=]+)=").matcher(template);
        List<String> names = keys.stream().map(Key::name).toList();
        while (documented.find()) {
            assertTrue(names.contains(documented.group(1)), "[ini-template] documents an unknown key " + documented.group(1));
        }
    }

    private static void walk(Class<?> mapping, String prefix, List<Key> keys) {
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            Type type = method.getGenericReturnType();
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Map.class) {
                Class<?> group = (Class<?>) parameterized.getActualTypeArguments()[1];
                walk(group, name + "." + EXAMPLE_NAMES.get(name), keys);
            } else if (type instanceof Class<?> nested && nested.isInterface() && nested.getName().startsWith(SelfbalanceConfig.class.getName())) {
                walk(nested, name, keys);
            } else {
                keys.add(new Key(name, withDefault == null ? null : withDefault.value()));
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
