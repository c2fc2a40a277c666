package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.plugins.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads plugin jars from a folder: every {@code *.jar}, each in its own class loader (parent: the
 * scheduler's, so the API classes are shared), contributing the {@link PluginFactory}s it lists in
 * {@code META-INF/services} (read from the jar itself) and whole profiles ({@link #profiles}). A jar of the controller-manager's (controllers or CRDs,
 * no scheduler plugin) contributes nothing here. A jar that is not a jar, lists no plugin of either kind, or
 * whose factory cannot be loaded is a {@link ConfigException} naming the jar. A missing folder contributes nothing.
 */
public final class PluginJars {

  /** Whole scheduler profiles a jar brings: KubeSchedulerConfiguration documents, added to the scheduler's. */
  public static final String PROFILES = "META-INF/dekube/scheduler-profiles/";

  /** A jar's profile document: where it is ({@code <jar>!/<entry>}) and its parsed YAML. */
  public record ProfileFile(String source, Map<String, Object> document) {
  }

  /** What makes a jar the controller-manager's: its controllers' services file, or its CRDs. */
  private static final String CONTROLLERS = "META-INF/services/io.dekube.controller.api.ControllerFactory";
  private static final String CRDS = "META-INF/dekube/crds/";

  private PluginJars() {
  }

  /** The registry plus the plugins of every jar in {@code dir}. */
  public static Registry load(Path dir, Registry base) {
    Registry r = base;
    for (Path jar : jars(dir)) {
      r = loadJar(jar, r);
    }
    return r;
  }

  /**
   * The scheduler profiles the jars in {@code dir} bring, in jar order and, within a jar, by entry name: each
   * {@code META-INF/dekube/scheduler-profiles/*.yaml} (or {@code .yml}) a KubeSchedulerConfiguration whose
   * {@code profiles} are added. A document that is not YAML is a {@link ConfigException} naming the entry.
   */
  public static List<ProfileFile> profiles(Path dir) {
    List<ProfileFile> out = new ArrayList<>();
    for (Path jar : jars(dir)) {
      try (ZipFile z = new ZipFile(jar.toFile())) {
        List<? extends ZipEntry> entries = z.stream().filter(PluginJars::isProfile)
            .sorted(Comparator.comparing(ZipEntry::getName)).toList();
        for (ZipEntry e : entries) {
          String source = jar + "!/" + e.getName();
          try (InputStream in = z.getInputStream(e)) {
            out.add(new ProfileFile(source, SchedulerConfiguration.parse(
                new String(in.readAllBytes(), StandardCharsets.UTF_8))));
          } catch (ConfigException x) {
            throw new ConfigException(source + ": " + x.getMessage(), x.getCause());
          }
        }
      } catch (IOException e) {
        throw new ConfigException(jar + ": not a jar: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static boolean isProfile(ZipEntry e) {
    return !e.isDirectory() && e.getName().startsWith(PROFILES)
        && (e.getName().endsWith(".yaml") || e.getName().endsWith(".yml"));
  }

  /** The {@code *.jar} files of {@code dir}, sorted; none when it is not a folder. */
  private static List<Path> jars(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException(dir + ": cannot list plugin jars: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("resource")
  private static Registry loadJar(Path jar, Registry base) {
    List<String> names = factoryNames(jar);
    Registry r = base;
    if (names.isEmpty()) {
      return r;
    }
    try {
      URLClassLoader loader = new URLClassLoader("plugin-" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
          PluginJars.class.getClassLoader());
      for (String name : names) {
        Class<?> c = loader.loadClass(name);
        if (!PluginFactory.class.isAssignableFrom(c)) {
          throw new ConfigException(jar + ": " + name + " does not implement " + PluginFactory.class.getName());
        }
        PluginFactory f = (PluginFactory) c.getDeclaredConstructor().newInstance();
        try {
          r = r.with(f);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(jar + ": " + e.getMessage());
        }
      }
    } catch (ReflectiveOperationException | IOException | LinkageError e) {
      throw new ConfigException(jar + ": cannot load its plugin factory: " + e, e);
    }
    return r;
  }

  /** The factory class names the jar lists in META-INF/services (none for a jar of controllers or profiles only). */
  private static List<String> factoryNames(Path jar) {
    String entry = "META-INF/services/" + PluginFactory.class.getName();
    try (ZipFile z = new ZipFile(jar.toFile())) {
      ZipEntry e = z.getEntry(entry);
      if (e == null && (z.getEntry(CONTROLLERS) != null || z.stream().anyMatch(PluginJars::isProfile)
          || z.stream().anyMatch(x -> !x.isDirectory() && x.getName().startsWith(CRDS)))) {
        return List.of(); // the controller-manager's, or profiles of plugins other jars bring
      }
      if (e == null) {
        throw new ConfigException(jar + ": lists no plugin (" + entry + " is missing)");
      }
      try (InputStream in = z.getInputStream(e)) {
        List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
            .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
        if (names.isEmpty()) {
          throw new ConfigException(jar + ": lists no plugin (" + entry + " is empty)");
        }
        return names;
      }
    } catch (IOException e) {
      throw new ConfigException(jar + ": not a jar: " + e.getMessage(), e);
    }
  }
}
