package io.dekube.kubelet.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.kubelet.runtime.ResourceUsage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The working set kube's {@code kubectl top} shows, from the engine's stats in each engine's shape. */
class DockerContainerTest {

  @Test
  void dockerOnCgroupV1LeavesOutTheHierarchicalInactiveFilePages() {
    // Docker 20+ on cgroup v1: usage_in_bytes, the cgroup's own and its hierarchy's counters
    ResourceUsage u = DockerContainer.usageOf(new JsonObject("{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":"
        + "1391914992}},\"memory_stats\":{\"usage\":52428800,\"max_usage\":60000000,\"stats\":{\"cache\":20971520,"
        + "\"rss\":31457280,\"inactive_file\":8388608,\"total_inactive_file\":10485760,\"active_file\":12582912},"
        + "\"limit\":9223372036854771712}}"));
    assertEquals(new ResourceUsage(1391914992L, 52428800 - 10485760), u);
  }

  @Test
  void dockerOnCgroupV2LeavesOutTheInactiveFilePages() {
    ResourceUsage u = DockerContainer.usageOf(new JsonObject("{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":5000}},"
        + "\"memory_stats\":{\"usage\":41943040,\"stats\":{\"anon\":31457280,\"file\":10485760,\"inactive_file\":"
        + "6291456,\"active_file\":4194304},\"limit\":67108864}}"));
    assertEquals(new ResourceUsage(5000, 41943040 - 6291456), u);
  }

  @Test
  void podmansUsageComesAloneAndCountsAsItIs() {
    // podman 4's compat API on cgroup v1 with cgroupfs, as this machine's podman answers: no stats object
    ResourceUsage u = DockerContainer.usageOf(new JsonObject("{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":"
        + "1364389198,\"percpu_usage\":[757485734,606903464]},\"online_cpus\":2},\"memory_stats\":{\"usage\":21032960,"
        + "\"limit\":67108864}}"));
    assertEquals(new ResourceUsage(1364389198L, 21032960), u);
  }

  @Test
  void theEndIsTheEnginesFinishedAtAndNoneWhileItRuns() {
    assertEquals(java.time.Instant.parse("2026-12-08T04:44:35.801234567Z"), DockerContainer.finishedAt(new JsonObject(
        "{\"Status\":\"exited\",\"ExitCode\":0,\"FinishedAt\":\"2026-12-08T04:44:35.801234567Z\"}")));
    assertEquals(java.time.Instant.parse("2026-12-08T04:44:35.8Z"), DockerContainer.finishedAt(new JsonObject(
        "{\"FinishedAt\":\"2026-12-08T05:44:35.8+01:00\"}"))); // podman gives the host's offset
    assertEquals(null, DockerContainer.finishedAt(new JsonObject("{\"FinishedAt\":\"0001-01-01T00:00:00Z\"}")));
    assertEquals(null, DockerContainer.finishedAt(new JsonObject("{}")));
  }

  @Test
  void moreInactivePagesThanUsageIsNoWorkingSetAndNoStatsIsNothing() {
    assertEquals(0, DockerContainer.usageOf(new JsonObject("{\"memory_stats\":{\"usage\":4096,\"stats\":"
        + "{\"total_inactive_file\":8192}}}")).workingSetBytes());
    assertEquals(ResourceUsage.NONE, DockerContainer.usageOf(new JsonObject("{\"memory_stats\":{}}")));
  }
}
