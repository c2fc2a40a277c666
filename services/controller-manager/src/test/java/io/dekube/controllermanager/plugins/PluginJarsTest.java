package io.dekube.controllermanager.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.controller.api.ControllerContext;
import io.dekube.controller.api.ControllerFactory;
import io.dekube.controller.api.Loop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller-manager's side of plugin jars: what it takes from them, and the errors that name the jar. */
class PluginJarsTest {

  /** A factory the test jars list (loaded through the jar's class loader, from its parent). */
  public static final class Hello implements ControllerFactory {
    @Override
    public String name() {
      return "hello";
    }

    @Override
    public Loop create(ControllerContext ctx) {
      throw new UnsupportedOperationException();
    }
  }

  private static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: %s.demo.dekube.io}
      spec: {group: demo.dekube.io, names: {plural: %s, kind: K}, scope: Namespaced}
      """;

  @TempDir
  Path dir;

  private Path jar(String name, Map<String, String> entries) throws IOException {
    Path jar = dir.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return jar;
  }

  private String error() {
    return assertThrows(PluginException.class, () -> PluginJars.load(dir)).getMessage();
  }

  @Test
  void takesTheCrdsAndControllersOfAJar() throws Exception {
    Path jar = jar("operator.jar", Map.of(
        PluginJars.FACTORIES, "# the controllers\n" + Hello.class.getName() + "\n",
        "META-INF/dekube/crds/kinds.yaml", CRD.formatted("bees", "bees") + "---\n" + CRD.formatted("ants", "ants"),
        "META-INF/dekube/crds/README.md", "not a CRD, not read"));
    jar("scheduler-only.jar", Map.of(PluginJars.SCHEDULER_FACTORIES, "com.example.Packing\n"));
    List<PluginJar> jars = PluginJars.load(dir);
    assertEquals(1, jars.size(), "the scheduler's jar is left to the scheduler");
    PluginJar p = jars.get(0);
    assertEquals(jar, p.jar());
    assertEquals(List.of("bees.demo.dekube.io", "ants.demo.dekube.io"),
        p.crds().stream().map(c -> c.object().path("metadata").path("name").asText()).toList());
    assertEquals("META-INF/dekube/crds/kinds.yaml", p.crds().get(0).file());
    assertEquals(List.of("hello"), p.factories().stream().map(ControllerFactory::name).toList());
    assertEquals("plugin:operator.jar", p.fieldManager());
    assertEquals(List.of(), PluginJars.load(dir.resolve("missing")), "no folder, no plugins");
  }

  @Test
  void brokenJarsAreNamed() throws Exception {
    Path notJar = Files.write(dir.resolve("broken.jar"), new byte[] {1, 2, 3});
    assertTrue(error().startsWith(notJar + ": not a jar"), error());
    Files.delete(notJar);

    Path empty = jar("empty.jar", Map.of("README", "nothing"));
    assertTrue(error().startsWith(empty + ": lists no plugin"), error());
    Files.delete(empty);

    Path blank = jar("blank.jar", Map.of(PluginJars.FACTORIES, "# none yet\n"));
    assertEquals(blank + ": lists no controller (" + PluginJars.FACTORIES + " is empty)", error());
    Files.delete(blank);

    Path gone = jar("gone.jar", Map.of(PluginJars.FACTORIES, "com.example.Gone\n"));
    assertTrue(error().startsWith(gone + ": cannot load its controller factory: java.lang.ClassNotFoundException"),
        error());
    Files.delete(gone);

    Path wrong = jar("wrong.jar", Map.of(PluginJars.FACTORIES, "java.lang.String\n"));
    assertEquals(wrong + ": java.lang.String does not implement io.dekube.controller.api.ControllerFactory", error());
    Files.delete(wrong);

    Path notCrd = jar("kinds.jar", Map.of("META-INF/dekube/crds/cm.yaml", "apiVersion: v1\nkind: ConfigMap\n"));
    assertEquals(notCrd + ": META-INF/dekube/crds/cm.yaml: not an apiextensions.k8s.io/v1 CustomResourceDefinition",
        error());
    Files.delete(notCrd);

    Path notYaml = jar("yaml.jar", Map.of("META-INF/dekube/crds/bad.yaml", "a: [unclosed\n"));
    assertTrue(error().startsWith(notYaml + ": META-INF/dekube/crds/bad.yaml: not YAML"), error());
    Files.delete(notYaml);
  }

  @Test
  void twoControllersOfOneNameAreAnError() throws Exception {
    Path a = jar("a.jar", Map.of(PluginJars.FACTORIES, Hello.class.getName()));
    Path b = jar("b.jar", Map.of(PluginJars.FACTORIES, Hello.class.getName()));
    assertEquals(b + ": controller \"hello\" is also the name of one in " + a, error());
  }
}
