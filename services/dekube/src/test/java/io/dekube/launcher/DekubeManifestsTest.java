package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code k8s-manifests/dekube/dekube.yaml}, dekube run by a Kubernetes cluster, checked without one: each
 * container runs a launcher command with flags it accepts, on distinct ports, its readiness probe on its
 * ops port, its --data-dir the shared volume, its --kafka the manifest's Kafka Service.
 */
class DekubeManifestsTest {

  private static final Path FILE = DekubeProcess.repoRoot().resolve("k8s-manifests/dekube/dekube.yaml");

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents() throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Yaml().loadAll(Files.readString(FILE)).forEach(d -> docs.add((Map<String, Object>) d));
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> o, String... path) {
    for (String p : path) {
      o = (Map<String, Object>) o.get(p);
    }
    return o;
  }

  private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
    return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata").get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + FILE));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyContainerRunsALauncherCommandWithFlagsItAccepts() throws Exception {
    List<Map<String, Object>> docs = documents();
    Map<String, Object> pod = at(find(docs, "StatefulSet", "dekube"), "spec", "template", "spec");
    Map<String, List<String>> commands = new TreeMap<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) pod.get("containers")) {
      List<String> args = ((List<Object>) c.get("args")).stream().map(String::valueOf).toList();
      String name = (String) c.get("name");
      commands.put(name, args);
      String ops = LauncherCommands.flag(args, "--ops-port");
      assertNotNull(ops, name);
      assertEquals(Integer.valueOf(ops), at(c, "readinessProbe", "httpGet").get("port"), name + "'s readiness probe");
      String dataDir = LauncherCommands.flag(args, "--data-dir");
      assertTrue(((List<Map<String, Object>>) c.get("volumeMounts")).stream()
          .anyMatch(m -> dataDir.equals(m.get("mountPath"))), name + ": --data-dir " + dataDir + " is the volume");
      String kafka = LauncherCommands.flag(args, "--kafka");
      String[] service = kafka.substring(0, kafka.indexOf(':')).split("\\.");
      Map<String, Object> svc = find(docs, "Service", service[0]);
      assertEquals(service[1], at(svc, "metadata").get("namespace"), name + ": --kafka " + kafka);
    }
    LauncherCommands.check(commands);
  }

  @Test
  void kafkaIsTheBuildsVersion() throws Exception {
    Matcher v = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
        .matcher(Files.readString(DekubeProcess.repoRoot().resolve("pom.xml")));
    assertTrue(v.find());
    assertTrue(Files.readString(FILE).contains("image: apache/kafka:" + v.group(1) + " "), "apache/kafka:" + v.group(1));
  }
}
