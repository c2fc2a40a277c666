package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DaemonSet pages' {@code quay.io/fluentd_elasticsearch/fluentd}: starts and logs as fluentd, runs until stopped. */
class FluentdTest {

  @TempDir
  Path dir;

  @Test
  void theDaemonSetPagesImageStartsLogsAsFluentdAndKeepsRunning() throws Exception {
    assertEquals("fluentd", BuiltInImages.resolve("quay.io/fluentd_elasticsearch/fluentd:v2.6.0").orElseThrow()
        .program());
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.13.2")) {
      var c = t.start("fluentd-elasticsearch-x7k2p", new ContainerBuilder().withName("fluentd-elasticsearch")
          .withImage("quay.io/fluentd_elasticsearch/fluentd:v2.5.2").build(), Map.of());
      t.awaitLog("fluentd-elasticsearch", "#0 fluentd worker is now running worker=0");
      String log = t.log("fluentd-elasticsearch");
      assertTrue(log.contains("[info]: parsing config file is succeeded path=\"/etc/fluent/fluent.conf\""), log);
      assertTrue(log.contains("[info]: using configuration file: <ROOT>"), log);
      assertTrue(log.contains("[info]: adding match pattern=\"fluent.**\" type=\"null\""), log);
      assertFalse(c.exited().isComplete(), "a log collector keeps running");
      assertTrue(t.exec("cat", "/etc/fluent/fluent.conf").contains("@include /etc/fluent/config.d/*.conf"));
      assertEquals(0, c.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(20,
          TimeUnit.SECONDS), "fluentd stops gracefully on SIGTERM");
    }
  }

  @Test
  void aConfigurationInConfigDIsIncludedAndItsElementsAdded() throws Exception {
    Path confD = Files.createDirectories(dir.resolve("config-volume"));
    Files.writeString(confD.resolve("containers.input.conf"), """
        <source>
          @type tail
          path /var/log/containers/*.log
          tag raw.kubernetes.*
        </source>
        """);
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.13.3")) {
      t.start("fluentd-es", new ContainerBuilder().withName("fluentd").withImage("quay.io/fluentd_elasticsearch/"
          + "fluentd:v2.6.0").addNewEnv().withName("FLUENTD_ARGS").withValue("--no-supervisor").endEnv().build(),
          Map.of("FLUENTD_ARGS", "--no-supervisor"), Map.of("/etc/fluent/config.d", confD));
      t.awaitLog("fluentd", "fluentd worker is now running worker=0");
      String log = t.log("fluentd");
      assertTrue(log.contains("    path /var/log/containers/*.log\n"), log);
      assertTrue(log.contains("[info]: adding source type=\"tail\""), log);
      assertFalse(log.contains("spawn command to main"), "--no-supervisor: one process");
    }
  }

  @Test
  void anotherCommandRunsInTheImagesShellAndOptionsComeFromFluentdArgs() {
    assertFalse(Fluentd.runsFluentd(List.of("sh", "-c", "ls")));
    assertTrue(Fluentd.runsFluentd(List.of("/entrypoint.sh")));
    assertEquals(List.of("--no-supervisor", "-q"), Fluentd.options(List.of("/entrypoint.sh"), " --no-supervisor  -q"));
    assertEquals(List.of("-c", "/x.conf"), Fluentd.options(List.of("fluentd", "-c", "/x.conf"), "-q"));
  }
}
