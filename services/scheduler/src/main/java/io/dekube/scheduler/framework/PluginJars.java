package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.plugins.Registry;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Loads plugin jars from a folder: every {@code *.jar}, each in its own class loader (parent: the
 * scheduler's, so the API classes are shared), contributing the {@link PluginFactory}s it lists in
 * {@code META-INF/services}. A jar that is not a jar, lists no factory, or whose factory cannot be
 * loaded is a {@link ConfigException} naming the jar. A missing folder contributes nothing.
 */
public final class PluginJars {

  private PluginJars() {
  }

  /** The registry plus the plugins of every jar in {@code dir}. */
  public static Registry load(Path dir, Registry base) {
    if (dir == null || !Files.isDirectory(dir)) {
      return base;
    }
    List<Path> jars;
    try (Stream<Path> s = Files.list(dir)) {
      jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException(dir + ": cannot list plugin jars: " + e.getMessage(), e);
    }
    Registry r = base;
    for (Path jar : jars) {
      r = loadJar(jar, r);
    }
    return r;
  }

  @SuppressWarnings("resource")
  private static Registry loadJar(Path jar, Registry base) {
    try (ZipFile z = new ZipFile(jar.toFile())) {
      if (z.getEntry("META-INF/services/" + PluginFactory.class.getName()) == null) {
        throw new ConfigException(jar + ": lists no plugin (META-INF/services/" + PluginFactory.class.getName()
            + " is missing)");
      }
    } catch (IOException e) {
      throw new ConfigException(jar + ": not a jar: " + e.getMessage(), e);
    }
    Registry r = base;
    try {
      URLClassLoader loader = new URLClassLoader("plugin-" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
          PluginJars.class.getClassLoader());
      for (ServiceLoader.Provider<PluginFactory> p : ServiceLoader.load(PluginFactory.class, loader).stream().toList()) {
        if (p.type().getClassLoader() != loader) {
          continue;
        }
        PluginFactory f = p.get();
        try {
          r = r.with(f);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(jar + ": " + e.getMessage());
        }
      }
    } catch (ServiceConfigurationError | IOException | LinkageError e) {
      throw new ConfigException(jar + ": cannot load its plugin factory: " + e.getMessage(), e);
    }
    return r;
  }
}
