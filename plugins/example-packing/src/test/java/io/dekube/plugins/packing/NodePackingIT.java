package io.dekube.plugins.packing;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.scheduler.SchedulerConfig;
import io.dekube.scheduler.SchedulerFixture;
import io.dekube.scheduler.SchedulerVerticle;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar in a plugins folder and nothing else: the jar's own profile ({@code packing-scheduler}, scoring with
 * its plugin only) beside kube's default one, a scheduler on a real broker: pods of {@code packing-scheduler} all
 * land on the node that already runs a pod.
 */
@WithKafka
class NodePackingIT {

  @Test
  void podsOfThePackingProfileLandOnTheFullestNode(@KafkaBootstrap String bootstrap, @TempDir Path dir)
      throws Exception {
    Path jar = Path.of(System.getProperty("plugin.jar", "target/example-packing-0.1.0-SNAPSHOT.jar"));
    assertTrue(Files.isRegularFile(jar), "the plugin jar is built: " + jar);
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    try (SchedulerFixture f = new SchedulerFixture(bootstrap)) {
      for (String n : List.of("n1", "n2", "n3")) {
        f.node(node(n).capacity("cpu", "8", "memory", "16Gi").obj());
      }
      f.pod(pod("seed").namespace("pack").node("n2").req("cpu", "100m").obj());
      SchedulerVerticle scheduler = new SchedulerVerticle(SchedulerConfig.defaults().withLeaderElect(false)
          .withPluginsDir(plugins), SchedulerFixture.REGISTRY, f.store, f::cache);
      assertEquals(Set.of("default-scheduler", "packing-scheduler"), scheduler.profiles().keySet());
      f.deploy(scheduler);
      for (int i = 0; i < 4; i++) {
        Pod p = pod("packed-" + i).namespace("pack").req("cpu", "100m").obj();
        p.getSpec().setSchedulerName("packing-scheduler");
        f.pod(p);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> List.of(0, 1, 2, 3).stream()
          .allMatch(i -> !f.nodeOf("pack", "packed-" + i).isEmpty()));
      Set<String> used = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        used.add(f.nodeOf("pack", "packed-" + i));
      }
      assertEquals(Set.of("n2"), used);
    }
  }
}
