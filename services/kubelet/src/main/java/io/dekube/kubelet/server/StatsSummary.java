package io.dekube.kubelet.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.runtime.DiskUsage;
import io.dekube.kubelet.runtime.ResourceUsage;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's {@code /stats/summary} (the Summary API, {@code stats/v1alpha1}) for what dekube
 * measures: the node's and each running container's CPU (cumulative core-nanoseconds, and the rate in
 * nano-cores since the previous summary, as the kubelet leaves it out until it has two samples) and
 * working-set memory, summed per pod; each container's writable layer ({@code rootfs.usedBytes}) and logs
 * ({@code logs.usedBytes}), and per pod their sum ({@code ephemeral-storage.usedBytes}, volumes not counted).
 * Capacities, inodes, network and swap figures are not measured and are left out. Confined to the kubelet's context (it keeps the previous samples).
 */
final class StatsSummary {

  /** One pod on the node and its running containers. */
  record PodSample(String namespace, String name, String uid, Instant startTime, List<ContainerSample> containers) {
  }

  /** One running container. */
  record ContainerSample(String name, Instant startedAt, ResourceUsage usage, DiskUsage disk) {
  }

  private record Previous(long cpuNanos, Instant at) {
  }

  private final Map<String, Previous> previous = new HashMap<>();

  /** The summary of {@code node} (started at {@code nodeStart}) and {@code pods}, measured at {@code at}. */
  ObjectNode render(String nodeName, Instant nodeStart, ResourceUsage node, List<PodSample> pods, Instant at) {
    Map<String, Previous> seen = new HashMap<>();
    ObjectNode summary = Json.object();
    ObjectNode n = summary.putObject("node").put("nodeName", nodeName).put("startTime", time(nodeStart));
    usage(n, "node", node, at, seen);
    ArrayNode items = summary.putArray("pods");
    for (PodSample p : pods) {
      ObjectNode o = items.addObject();
      o.putObject("podRef").put("name", p.name()).put("namespace", p.namespace()).put("uid", p.uid());
      if (p.startTime() != null) {
        o.put("startTime", time(p.startTime()));
      }
      ArrayNode containers = o.putArray("containers");
      ResourceUsage total = ResourceUsage.NONE;
      DiskUsage disk = DiskUsage.NONE;
      for (ContainerSample c : p.containers()) {
        ObjectNode co = containers.addObject().put("name", c.name());
        if (c.startedAt() != null) {
          co.put("startTime", time(c.startedAt()));
        }
        usage(co, p.uid() + "/" + c.name(), c.usage(), at, seen);
        co.putObject("rootfs").put("time", time(at)).put("usedBytes", c.disk().rootfsBytes());
        co.putObject("logs").put("time", time(at)).put("usedBytes", c.disk().logsBytes());
        total = total.plus(c.usage());
        disk = disk.plus(c.disk());
      }
      usage(o, p.uid(), total, at, seen);
      o.putObject("ephemeral-storage").put("time", time(at)).put("usedBytes", disk.rootfsBytes() + disk.logsBytes());
    }
    previous.clear();
    previous.putAll(seen);
    return summary;
  }

  private void usage(ObjectNode target, String key, ResourceUsage u, Instant at, Map<String, Previous> seen) {
    ObjectNode cpu = target.putObject("cpu").put("time", time(at));
    Previous before = previous.get(key);
    long elapsed = before == null ? 0 : ChronoUnit.NANOS.between(before.at(), at);
    if (elapsed > 0 && u.cpuNanos() >= before.cpuNanos()) {
      cpu.put("usageNanoCores", (long) ((u.cpuNanos() - before.cpuNanos()) * 1e9 / elapsed));
    }
    cpu.put("usageCoreNanoSeconds", u.cpuNanos());
    target.putObject("memory").put("time", time(at)).put("workingSetBytes", u.workingSetBytes());
    seen.put(key, new Previous(u.cpuNanos(), at));
  }

  private static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }
}
