package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configMap, secret and downwardAPI volumes as the kubelet's AtomicWriter lays them out ("Expose Pod Information to
 * Containers Through Files", "Configure a Pod to Use a ConfigMap", "Secrets": {@code defaultMode}, fsGroup).
 */
class AtomicVolumesTest {

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  @TempDir
  Path dir;

  private final MapLookup lookup = new MapLookup();
  private final Map<String, ObjectNode> configMaps = lookup.configMaps;
  private final Map<String, ObjectNode> secrets = lookup.secrets;


  private void configMap(String name, Map<String, String> data) {
    ObjectNode cm = new ObjectMapper().createObjectNode();
    data.forEach(cm.putObject("data")::put);
    configMaps.put(name, cm);
  }

  private static int mode(Path p) throws Exception {
    return ((Integer) Files.getAttribute(p, "unix:mode")) & 07777;
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aDownwardApiVolumeIsATimestampedFolderBehindDataAndOneLinkAFile() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("kubernetes-downwardapi-volume-example").withNamespace("default")
        .addToLabels("zone", "us-est-coast").addToAnnotations("build", "two").endMetadata()
        .withNewSpec().addNewVolume().withName("podinfo").withNewDownwardAPI()
        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
        .addNewItem().withPath("annotations").withNewFieldRef().withFieldPath("metadata.annotations").endFieldRef()
        .endItem().endDownwardAPI().endVolume().endSpec().build();
    Path volume = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1").get("podinfo");
    List<String> names = names(volume);
    assertEquals(4, names.size(), names.toString());
    String stamp = names.get(0);
    assertTrue(stamp.matches("\\.\\.\\d{4}_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d\\d\\.\\d+"), stamp);
    assertEquals(List.of(stamp, "..data", "annotations", "labels"), names);
    assertEquals(Path.of(stamp), Files.readSymbolicLink(volume.resolve("..data")));
    assertEquals(Path.of("..data/labels"), Files.readSymbolicLink(volume.resolve("labels")));
    assertEquals("zone=\"us-est-coast\"", Files.readString(volume.resolve("labels")));
    assertEquals(0755, mode(volume.resolve(stamp)));
    assertEquals(0644, mode(volume.resolve(stamp).resolve("labels")));
    assertEquals(01777, mode(volume), "a tmpfs root");
  }

  @Test
  void anUpdateWritesANewFolderSwapsDataAndRemovesTheOldOne() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("configmap-volume").withNamespace("default").endMetadata()
        .withNewSpec().addNewVolume().withName("config").withNewConfigMap().withName("sport").endConfigMap()
        .endVolume().endSpec().build();
    configMap("sport", Map.of("sport", "football", "team", "reds"));
    Map<String, Path> dirs = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1");
    Path volume = dirs.get("config");
    Path first = Files.readSymbolicLink(volume.resolve("..data"));
    assertEquals(0777, mode(volume), "an emptyDir on the disk");
    Volumes.refresh(pod, dirs, lookup, "127.0.0.1", "127.0.1.1");
    assertEquals(first, Files.readSymbolicLink(volume.resolve("..data")), "nothing changed: nothing written");
    configMap("sport", Map.of("sport", "cricket"));
    Volumes.refresh(pod, dirs, lookup, "127.0.0.1", "127.0.1.1");
    Path second = Files.readSymbolicLink(volume.resolve("..data"));
    assertNotEquals(first, second);
    assertEquals(List.of(second.toString(), "..data", "sport"), names(volume));
    assertEquals("cricket", Files.readString(volume.resolve("sport")));
    assertFalse(Files.exists(volume.resolve("team"), NOFOLLOW));
  }

  @Test
  void defaultModeAndItemModesAndAnItemsPath() throws Exception {
    ObjectNode secret = new ObjectMapper().createObjectNode();
    secret.putObject("data").put("username", "bXktYXBw").put("password", "Mzk1MjgkdmRnN0pi");
    secrets.put("mysecret", secret);
    Pod pod = new PodBuilder().withNewMetadata().withName("mypod").withNamespace("default").endMetadata()
        .withNewSpec().addNewVolume().withName("foo").withNewSecret().withSecretName("mysecret").withDefaultMode(0400)
        .addNewItem().withKey("username").withPath("my-group/my-username").endItem()
        .addNewItem().withKey("password").withPath("password").withMode(0777).endItem()
        .endSecret().endVolume().endSpec().build();
    Path volume = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1").get("foo");
    assertEquals(Path.of("..data/my-group"), Files.readSymbolicLink(volume.resolve("my-group")));
    assertEquals("my-app", Files.readString(volume.resolve("my-group/my-username")));
    assertEquals(0400, mode(volume.resolve("my-group/my-username")));
    assertEquals(0777, mode(volume.resolve("password")));
  }

  /** "Projected volumes": a secret's item, downwardAPI labels and a cpu limit, a configMap's item in one volume. */
  @Test
  void aProjectedVolumeHoldsEverySourceAndAContainersResource() throws Exception {
    ObjectNode secret = new ObjectMapper().createObjectNode();
    secret.putObject("data").put("username", "bXktYXBw");
    secrets.put("mysecret", secret);
    configMap("myconfigmap", Map.of("config", "value"));
    Pod pod = new PodBuilder().withNewMetadata().withName("volume-test").withNamespace("default")
        .addToLabels("app", "test").endMetadata().withNewSpec()
        .addNewContainer().withName("container-test").withImage("busybox:1.28").withNewResources()
        .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("500m")).endResources().endContainer()
        .addNewVolume().withName("all-in-one").withNewProjected()
        .addNewSource().withNewSecret().withName("mysecret").addNewItem().withKey("username")
        .withPath("my-group/my-username").endItem().endSecret().endSource()
        .addNewSource().withNewDownwardAPI()
        .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
        .addNewItem().withPath("cpu_limit").withNewResourceFieldRef().withContainerName("container-test")
        .withResource("limits.cpu").withDivisor(new io.fabric8.kubernetes.api.model.Quantity("1m"))
        .endResourceFieldRef().endItem().endDownwardAPI().endSource()
        .addNewSource().withNewConfigMap().withName("myconfigmap").addNewItem().withKey("config")
        .withPath("my-group/my-config").endItem().endConfigMap().endSource()
        .endProjected().endVolume().endSpec().build();
    Path volume = Volumes.prepare(pod, dir, lookup, Volumes.NO_TOKENS,
        new EnvBuilder.PodInfo("127.0.0.1", "127.0.1.1", "2", "4Gi")).get("all-in-one");
    assertEquals("my-app", Files.readString(volume.resolve("my-group/my-username")));
    assertEquals("value", Files.readString(volume.resolve("my-group/my-config")));
    assertEquals("app=\"test\"", Files.readString(volume.resolve("labels")));
    assertEquals("500", Files.readString(volume.resolve("cpu_limit")));
  }

  /** A keystore in a Secret, an image in a ConfigMap's binaryData: the files hold their bytes, not text. */
  @Test
  void binaryKeysKeepTheirBytes() throws Exception {
    byte[] bytes = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 'x'};
    String encoded = java.util.Base64.getEncoder().encodeToString(bytes);
    ObjectNode secret = new ObjectMapper().createObjectNode();
    secret.putObject("data").put("keystore.jks", encoded);
    secrets.put("keys", secret);
    ObjectNode cm = new ObjectMapper().createObjectNode();
    cm.putObject("binaryData").put("logo.png", encoded);
    configMaps.put("assets", cm);
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata().withNewSpec()
        .addNewVolume().withName("keys").withNewSecret().withSecretName("keys").endSecret().endVolume()
        .addNewVolume().withName("assets").withNewConfigMap().withName("assets").endConfigMap().endVolume()
        .endSpec().build();
    Map<String, Path> dirs = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1");
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, Files.readAllBytes(dirs.get("keys").resolve("keystore.jks")));
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, Files.readAllBytes(dirs.get("assets").resolve("logo.png")));
  }

  @Test
  void fsGroupGivesTheFilesItsGroupAndGroupRead() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
    configMap("special-config", Map.of("SPECIAL_LEVEL", "very"));
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
        .withNewSpec().withNewSecurityContext().withFsGroup(2000L).endSecurityContext()
        .addNewVolume().withName("config").withNewConfigMap().withName("special-config").withDefaultMode(0400)
        .endConfigMap().endVolume().endSpec().build();
    Path volume = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1").get("config");
    Path file = volume.resolve("SPECIAL_LEVEL").toRealPath();
    assertEquals(0440, mode(file));
    assertEquals(2000, Files.getAttribute(file, "unix:gid"));
    assertEquals(02777, mode(volume));
  }

  @Test
  void aSubPathKeepsTheFileOfTheContainersStart() throws Exception {
    configMap("sport", Map.of("sport", "football"));
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
        .withNewSpec().addNewVolume().withName("config").withNewConfigMap().withName("sport").endConfigMap()
        .endVolume().endSpec().build();
    Map<String, Path> dirs = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1");
    Container c = new ContainerBuilder().withName("c").addNewVolumeMount().withName("config").withMountPath("/etc/sport")
        .withSubPath("sport").endVolumeMount().addNewVolumeMount().withName("config").withMountPath("/etc/config")
        .endVolumeMount().build();
    Map<String, Path> mounts = Volumes.mounts(c, dirs, dir);
    configMap("sport", Map.of("sport", "cricket"));
    Volumes.refresh(pod, dirs, lookup, "127.0.0.1", "127.0.1.1");
    assertEquals("football", Files.readString(mounts.get("/etc/sport")), "kube: a subPath gets no updates");
    assertEquals("cricket", Files.readString(mounts.get("/etc/config").resolve("sport")));
    assertEquals(mounts, Volumes.mounts(c, dirs, dir), "a restarted container finds the same file");
  }

  /** The replicated-MySQL page's {@code data} volume at {@code subPath: mysql}: made before any container starts. */
  @Test
  void aMissingSubPathOfAClaimIsMadeAFolder() throws Exception {
    Path claim = Files.createDirectories(dir.resolve("pv"));
    Container c = new ContainerBuilder().withName("xtrabackup").addNewVolumeMount().withName("data")
        .withMountPath("/var/lib/mysql").withSubPath("mysql").endVolumeMount().build();
    Map<String, Path> mounts = Volumes.mounts(c, Map.of("data", claim), dir);
    assertEquals(claim.resolve("mysql"), mounts.get("/var/lib/mysql"));
    assertTrue(Files.isDirectory(claim.resolve("mysql")));
  }

  /** kube's docs' {@code subPathExpr: $(POD_NAME)}: the folder of the pod's name is made in the volume and mounted. */
  @Test
  void aSubPathExprIsExpandedFromTheEnvironmentAndMade() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Container c = new ContainerBuilder().withName("c").addNewVolumeMount().withName("workdir1")
        .withMountPath("/logs").withSubPathExpr("$(POD_NAME)/$$x").endVolumeMount().build();
    Map<String, Path> mounts = Volumes.mounts(c, Map.of("POD_NAME", "pod1"), Map.of("workdir1", logs), dir);
    assertEquals(logs.resolve("pod1/$x"), mounts.get("/logs"));
    assertTrue(Files.isDirectory(logs.resolve("pod1/$x")));
  }

  /** (subPathExpr, the container's CreateContainerConfigError message). */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "$(POD_NAME)/$(NODE)/$(EMPTY)|missing value for EMPTY, NODE",
      "$(UP)/x|unable to provision SubPath `../x`: must not contain '..'",
      "$(ROOT)x|error SubPath `/x` must not be an absolute path"})
  void aBadSubPathExprFailsTheContainer(String expr, String message) {
    Container c = new ContainerBuilder().withName("c").addNewVolumeMount().withName("v").withMountPath("/logs")
        .withSubPathExpr(expr).endVolumeMount().build();
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.dekube.kubelet.runtime.ContainerStartException.class,
        () -> Volumes.mounts(c, Map.of("POD_NAME", "p", "EMPTY", "", "UP", "..", "ROOT", "/"), Map.of("v", dir), dir));
    assertEquals("CreateContainerConfigError", e.reason());
    assertEquals(message, e.getMessage());
  }
}
