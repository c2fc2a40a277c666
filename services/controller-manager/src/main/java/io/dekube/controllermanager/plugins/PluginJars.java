package io.dekube.controllermanager.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controller.api.ControllerFactory;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads the controller-manager's side of the plugin jars of a folder (the scheduler's {@code --plugins}
 * folder: a jar may hold scheduler plugins, controllers, or both). Every {@code *.jar}, each in its own
 * class loader whose parent is the controller-manager's (so the API and model classes are shared),
 * contributes the CRDs under {@code META-INF/dekube/crds/} ({@code .yaml}, {@code .yml}, {@code .json};
 * several documents per file allowed) and the {@link ControllerFactory}s listed in its
 * {@code META-INF/services}. A jar with only scheduler plugins contributes nothing here. A jar that is not
 * a jar, lists no plugin of any kind, holds a document that is not a CRD, or whose factory cannot be
 * loaded or clashes with another's name is a {@link PluginException} naming the jar. A missing folder
 * contributes nothing. Called once, at start, from any thread.
 */
public final class PluginJars {

  /** Where a jar keeps the CRDs of its kinds. */
  public static final String CRDS = "META-INF/dekube/crds/";
  static final String FACTORIES = "META-INF/services/" + ControllerFactory.class.getName();
  /** The scheduler's services file: a jar holding only that is the scheduler's. */
  static final String SCHEDULER_FACTORIES = "META-INF/services/io.dekube.scheduler.api.PluginFactory";

  private PluginJars() {
  }

  /** The plugin jars of {@code dir} that hold CRDs or controllers, in file-name order. */
  public static List<PluginJar> load(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> jars;
    try (Stream<Path> s = Files.list(dir)) {
      jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new PluginException(dir + ": cannot list plugin jars: " + e.getMessage(), e);
    }
    List<PluginJar> out = new ArrayList<>();
    Map<String, Path> names = new HashMap<>();
    for (Path jar : jars) {
      PluginJar p = loadJar(jar);
      for (ControllerFactory f : p.factories()) {
        Path before = names.putIfAbsent(f.name(), jar);
        if (before != null) {
          throw new PluginException(jar + ": controller \"" + f.name() + "\" is also the name of one in " + before);
        }
      }
      if (!p.crds().isEmpty() || !p.factories().isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  private static PluginJar loadJar(Path jar) {
    List<String> factoryNames;
    List<PluginJar.Crd> crds;
    try (ZipFile z = new ZipFile(jar.toFile())) {
      factoryNames = factoryNames(jar, z);
      crds = crds(jar, z);
      if (factoryNames.isEmpty() && crds.isEmpty() && z.getEntry(SCHEDULER_FACTORIES) == null) {
        throw new PluginException(jar + ": lists no plugin (none of " + FACTORIES + ", " + CRDS + " or "
            + SCHEDULER_FACTORIES + ")");
      }
    } catch (IOException e) {
      throw new PluginException(jar + ": not a jar: " + e.getMessage(), e);
    }
    return new PluginJar(jar, crds, factories(jar, factoryNames));
  }

  /** The factory class names the jar lists (none when it has no services file for them). */
  private static List<String> factoryNames(Path jar, ZipFile z) throws IOException {
    ZipEntry e = z.getEntry(FACTORIES);
    if (e == null) {
      return List.of();
    }
    try (InputStream in = z.getInputStream(e)) {
      List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
      if (names.isEmpty()) {
        throw new PluginException(jar + ": lists no controller (" + FACTORIES + " is empty)");
      }
      return names;
    }
  }

  private static List<PluginJar.Crd> crds(Path jar, ZipFile z) throws IOException {
    List<ZipEntry> entries = new ArrayList<>(Collections.list(z.entries()).stream()
        .filter(e -> !e.isDirectory() && e.getName().startsWith(CRDS)
            && e.getName().matches(".*\\.(yaml|yml|json)$")).toList());
    entries.sort((a, b) -> a.getName().compareTo(b.getName()));
    List<PluginJar.Crd> out = new ArrayList<>();
    for (ZipEntry e : entries) {
      try (InputStream in = z.getInputStream(e);
           MappingIterator<JsonNode> docs = Json.YAML.readerFor(JsonNode.class).readValues(in)) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc == null || doc.isNull() || doc.isMissingNode()) {
            continue;
          }
          out.add(new PluginJar.Crd(e.getName(), crd(jar, e.getName(), doc)));
        }
      } catch (IOException | RuntimeException ex) {
        if (ex instanceof PluginException pe) {
          throw pe;
        }
        throw new PluginException(jar + ": " + e.getName() + ": not YAML: " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  private static ObjectNode crd(Path jar, String file, JsonNode doc) {
    if (!(doc instanceof ObjectNode o) || !"apiextensions.k8s.io/v1".equals(o.path("apiVersion").asText())
        || !"CustomResourceDefinition".equals(o.path("kind").asText())) {
      throw new PluginException(jar + ": " + file + ": not an apiextensions.k8s.io/v1 CustomResourceDefinition");
    }
    if (o.path("metadata").path("name").asText("").isEmpty()) {
      throw new PluginException(jar + ": " + file + ": a CustomResourceDefinition without metadata.name");
    }
    return o;
  }

  @SuppressWarnings("resource") // the loader lives as long as the process: the controllers' classes come from it
  private static List<ControllerFactory> factories(Path jar, List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    List<ControllerFactory> out = new ArrayList<>();
    try {
      URLClassLoader loader = new URLClassLoader("controllers-" + jar.getFileName(),
          new URL[] {jar.toUri().toURL()}, PluginJars.class.getClassLoader());
      for (String name : names) {
        Class<?> c = loader.loadClass(name);
        if (!ControllerFactory.class.isAssignableFrom(c)) {
          throw new PluginException(jar + ": " + name + " does not implement " + ControllerFactory.class.getName());
        }
        ControllerFactory f = (ControllerFactory) c.getDeclaredConstructor().newInstance();
        String fname = f.name();
        if (fname == null || !fname.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
          throw new PluginException(jar + ": " + name + " names its controller \"" + fname
              + "\": use lower-case letters, digits, '-' and '.'");
        }
        out.add(f);
      }
    } catch (ReflectiveOperationException | IOException | LinkageError | RuntimeException e) {
      if (e instanceof PluginException pe) {
        throw pe;
      }
      throw new PluginException(jar + ": cannot load its controller factory: " + e, e);
    }
    return out;
  }
}
