package io.selfbalance.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A "webapp" class loader for tests: it defines the classes of {@code io.selfbalance.jetty.testchecks} itself (child
 * first, like WEB-INF/classes) and serves a {@code META-INF/services} file listing the given checks.
 */
final class TestWebappLoader {

    private TestWebappLoader() {
    }

    static ClassLoader create(Path root, List<Class<?>> listed) throws IOException {
        Path file = root.resolve("META-INF/services/org.eclipse.microprofile.health.HealthCheck");
        Files.createDirectories(file.getParent());
        StringBuilder names = new StringBuilder("# comment lines are allowed\n");
        listed.forEach(type -> names.append(type.getName()).append('\n'));
        Files.writeString(file, names);
        ClassLoader parent = TestWebappLoader.class.getClassLoader();
        return new URLClassLoader(new URL[]{root.toUri().toURL()}, parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("io.selfbalance.jetty.testchecks.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        try (InputStream in = parent.getResourceAsStream(name.replace('.', '/') + ".class")) {
                            if (in == null) {
                                throw new ClassNotFoundException(name);
                            }
                            byte[] bytes = in.readAllBytes();
                            loaded = defineClass(name, bytes, 0, bytes.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    return loaded;
                }
            }
        };
    }
}
