package io.dekube.scheduler.framework;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.Registry;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KubeSchedulerConfiguration profiles, their errors (naming the file and field), plugin jars, throwing plugins. */
class SchedulerConfigurationTest {

  @TempDir
  Path dir;

  private static final String HEAD = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

  private List<Profile> load(String yaml, Registry registry) throws Exception {
    Path f = Files.writeString(dir.resolve("sched.yaml"), yaml);
    return SchedulerConfiguration.load(f, registry, name -> new NoHandle());
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> load(yaml, Registry.inTree())).getMessage();
  }

  @Test
  void noFileIsKubesDefaultProfile() {
    List<Profile> ps = SchedulerConfiguration.load(null, Registry.inTree(), name -> new NoHandle());
    assertEquals(1, ps.size());
    assertEquals("default-scheduler", ps.get(0).schedulerName());
    String d = ps.get(0).describe();
    assertTrue(d.contains("filter=[NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, "
        + "NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, PodTopologySpread, InterPodAffinity]"), d);
    assertTrue(d.contains("score=[TaintToleration*3, NodeAffinity*2, NodeResourcesFit*1, PodTopologySpread*2, "
        + "InterPodAffinity*2, NodeResourcesBalancedAllocation*1, ImageLocality*1]"), d);
    assertTrue(d.contains("postFilter=[DefaultPreemption]") && d.contains("bind=[DefaultBinder]"), d);
  }

  @Test
  void profilesDisableEnableAndWeigh() throws Exception {
    List<Profile> ps = load(HEAD + """
        profiles:
        - schedulerName: default-scheduler
        - schedulerName: most
          plugins:
            score:
              disabled: [{name: "*"}]
              enabled: [{name: NodeResourcesFit, weight: 5}]
            postFilter:
              disabled: [{name: DefaultPreemption}]
          pluginConfig:
          - name: NodeResourcesFit
            args: {scoringStrategy: {type: MostAllocated}}
        """, Registry.inTree());
    assertEquals(List.of("default-scheduler", "most"), ps.stream().map(Profile::schedulerName).toList());
    assertTrue(ps.get(1).describe().contains("score=[NodeResourcesFit*5]"), ps.get(1).describe());
    assertTrue(ps.get(1).describe().contains("postFilter=[]"), ps.get(1).describe());
  }

  @Test
  void badConfigurationsNameTheFileAndTheProblem() {
    String file = dir.resolve("sched.yaml").toString();
    assertEquals(file + ": apiVersion: Unsupported value: \"v0\": supported values: \"kubescheduler.config.k8s.io/v1\"",
        error("apiVersion: v0\nkind: KubeSchedulerConfiguration\n"));
    assertTrue(error(HEAD + "profiles:\n- plugins:\n    score:\n      enabled: [{name: Nope}]\n")
        .startsWith(file + ": profiles[0].plugins.score: plugin \"Nope\" does not exist"));
    assertEquals(file + ": profiles[1].schedulerName: Duplicate value: \"a\"",
        error(HEAD + "profiles:\n- schedulerName: a\n- schedulerName: a\n"));
    assertEquals(file + ": profiles[0].plugins.filter: plugin \"DefaultBinder\" does not extend filter plugin",
        error(HEAD + "profiles:\n- plugins:\n    filter:\n      enabled: [{name: DefaultBinder}]\n"));
    assertTrue(error(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: {scoringStrategy: "
        + "{type: Fullest}}\n").startsWith(file + ": profiles[0].pluginConfig[NodeResourcesFit].args: "
        + "scoringStrategy.type: Unsupported value: \"Fullest\""));
    assertEquals(file + ": profiles[0].pluginConfig[DefaultPreemption].args: minCandidateNodesPercentage: Invalid "
        + "value: 200: not in valid range [0, 100]", error(HEAD + "profiles:\n- pluginConfig:\n  - name: "
        + "DefaultPreemption\n    args: {minCandidateNodesPercentage: 200}\n"));
    assertTrue(error(HEAD + "profiles: [\n").startsWith(file + ": cannot parse YAML"));
  }

  @Test
  void brokenPluginJarsAreNamed() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path notJar = Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3});
    String e = assertThrows(ConfigException.class, () -> PluginJars.load(plugins, Registry.inTree())).getMessage();
    assertTrue(e.startsWith(notJar + ": not a jar"), e);
    Files.delete(notJar);
    Path empty = plugins.resolve("empty.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
      out.putNextEntry(new ZipEntry("README"));
    }
    e = assertThrows(ConfigException.class, () -> PluginJars.load(plugins, Registry.inTree())).getMessage();
    assertTrue(e.startsWith(empty + ": lists no plugin"), e);
    Files.delete(empty);
    Path missing = plugins.resolve("missing.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(missing))) {
      out.putNextEntry(new ZipEntry("META-INF/services/io.dekube.scheduler.api.PluginFactory"));
      out.write("com.example.Gone\n".getBytes());
    }
    e = assertThrows(ConfigException.class, () -> PluginJars.load(plugins, Registry.inTree())).getMessage();
    assertTrue(e.startsWith(missing + ": cannot load its plugin factory"), e);
  }

  /** A jar holding only profiles documents (of in-tree plugins here), as an operator would package them. */
  private Path profilesJar(Path plugins, String jarName, String... entryAndYaml) throws Exception {
    Path jar = plugins.resolve(jarName);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (int i = 0; i < entryAndYaml.length; i += 2) {
        out.putNextEntry(new ZipEntry(PluginJars.PROFILES + entryAndYaml[i]));
        out.write(entryAndYaml[i + 1].getBytes());
      }
    }
    return jar;
  }

  @Test
  void aJarBringsWholeProfilesBesideTheConfiguredOnes() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    profilesJar(plugins, "most.jar", "most.yaml", HEAD + """
        profiles:
        - schedulerName: most-allocated
          plugins:
            score:
              disabled: [{name: "*"}]
              enabled: [{name: NodeResourcesFit, weight: 1}]
          pluginConfig:
          - name: NodeResourcesFit
            args: {scoringStrategy: {type: MostAllocated}}
        """);
    Registry registry = PluginJars.load(plugins, Registry.inTree());
    List<Profile> ps = SchedulerConfiguration.load(null, PluginJars.profiles(plugins), registry, n -> new NoHandle());
    assertEquals(List.of("default-scheduler", "most-allocated"), ps.stream().map(Profile::schedulerName).toList());
    assertTrue(ps.get(1).describe().contains("score=[NodeResourcesFit*1]"), ps.get(1).describe());

    // the operator's configuration wins over a jar's profile of the same name
    Path file = Files.writeString(dir.resolve("sched.yaml"), HEAD + """
        profiles:
        - schedulerName: most-allocated
          plugins:
            score:
              disabled: [{name: "*"}]
              enabled: [{name: NodeAffinity, weight: 7}]
        """);
    ps = SchedulerConfiguration.load(file, PluginJars.profiles(plugins), registry, n -> new NoHandle());
    assertEquals(List.of("most-allocated"), ps.stream().map(Profile::schedulerName).toList());
    assertTrue(ps.get(0).describe().contains("score=[NodeAffinity*7]"), ps.get(0).describe());

    // a jar's default-scheduler replaces kube's default profile when no configuration names one
    profilesJar(plugins, "zdefault.jar", "default.yaml", HEAD + """
        profiles:
        - plugins:
            score:
              disabled: [{name: "*"}]
              enabled: [{name: TaintToleration, weight: 2}]
        """);
    ps = SchedulerConfiguration.load(null, PluginJars.profiles(plugins), registry, n -> new NoHandle());
    assertEquals(List.of("most-allocated", "default-scheduler"), ps.stream().map(Profile::schedulerName).toList());
    assertTrue(ps.get(1).describe().contains("score=[TaintToleration*2]"), ps.get(1).describe());
  }

  @Test
  void badProfilesOfAJarNameTheJarAndTheEntry() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path a = profilesJar(plugins, "a.jar", "p.yaml", HEAD + "profiles:\n- schedulerName: twice\n");
    Path b = profilesJar(plugins, "b.jar", "p.yaml", HEAD + "profiles:\n- schedulerName: twice\n");
    String e = assertThrows(ConfigException.class, () -> SchedulerConfiguration.load(null,
        PluginJars.profiles(plugins), Registry.inTree(), n -> new NoHandle())).getMessage();
    assertEquals(b + "!/" + PluginJars.PROFILES + "p.yaml: profiles[0].schedulerName: Duplicate value: \"twice\" "
        + "(also in " + a + "!/" + PluginJars.PROFILES + "p.yaml)", e);
    Files.delete(b);
    profilesJar(plugins, "b.jar", "p.yaml", HEAD + "profiles:\n- schedulerName: other\n  plugins:\n    score:\n"
        + "      enabled: [{name: Nope}]\n");
    e = assertThrows(ConfigException.class, () -> SchedulerConfiguration.load(null,
        PluginJars.profiles(plugins), Registry.inTree(), n -> new NoHandle())).getMessage();
    assertTrue(e.startsWith(b + "!/" + PluginJars.PROFILES + "p.yaml: profiles[0].plugins.score: plugin \"Nope\" "
        + "does not exist"), e);
    Files.delete(b);
    profilesJar(plugins, "b.jar", "p.yaml", "apiVersion: v0\n");
    e = assertThrows(ConfigException.class, () -> SchedulerConfiguration.load(null,
        PluginJars.profiles(plugins), Registry.inTree(), n -> new NoHandle())).getMessage();
    assertEquals(b + "!/" + PluginJars.PROFILES + "p.yaml: apiVersion: Unsupported value: \"v0\": supported values: "
        + "\"kubescheduler.config.k8s.io/v1\"", e);
    Files.delete(b);
    profilesJar(plugins, "b.jar", "p.yaml", "profiles: [\n");
    e = assertThrows(ConfigException.class, () -> PluginJars.profiles(plugins)).getMessage();
    assertTrue(e.startsWith(b + "!/" + PluginJars.PROFILES + "p.yaml: cannot parse YAML"), e);
    // a jar of profiles only is no broken plugin jar
    Files.delete(b);
    assertEquals(Registry.inTree().names(), PluginJars.load(plugins, Registry.inTree()).names());
  }

  @Test
  void aJarOfTheControllerManagersIsNotTheSchedulers() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("operators"));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("controllers.jar")))) {
      out.putNextEntry(new ZipEntry("META-INF/services/io.dekube.controller.api.ControllerFactory"));
      out.write("com.example.WebAppControllerFactory\n".getBytes());
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("kinds.jar")))) {
      out.putNextEntry(new ZipEntry("META-INF/dekube/crds/webapps.yaml"));
      out.write("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n".getBytes());
    }
    Registry base = Registry.inTree();
    assertEquals(base.names(), PluginJars.load(plugins, base).names());
  }

  @Test
  void aPluginThatThrowsFailsThePodsAttemptWithAnErrorNamingIt() throws Exception {
    Registry r = Registry.inTree().with(new PluginFactory() {
      @Override
      public String name() {
        return "Boom";
      }

      @Override
      public Plugin create(Map<String, Object> args, Handle handle) {
        return new FilterPlugin() {
          @Override
          public String name() {
            return "Boom";
          }

          @Override
          public Status filter(CycleState state, Pod pod, NodeInfo node) {
            throw new IllegalStateException("kaput");
          }
        };
      }
    });
    Profile p = load(HEAD + "profiles:\n- plugins:\n    filter:\n      enabled: [{name: Boom}]\n", r).get(0);
    Status s = p.runFilters(new CycleState(), pod("p").obj(), node("n").info());
    assertEquals(io.dekube.scheduler.api.Code.ERROR, s.code());
    assertEquals("Boom", s.plugin());
    assertTrue(s.message().contains("plugin Boom failed") && s.message().contains("kaput"), s.message());
  }

  /** A handle that is never called. */
  static final class NoHandle extends io.dekube.scheduler.testing.NoHandle implements ProfileHandle {
    @Override
    public void attach(Profile profile) {
    }
  }
}
