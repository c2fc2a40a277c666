package io.dekube.kubelet.eviction;

import io.dekube.kubelet.runtime.DiskUsage;
import io.dekube.kubelet.runtime.ResourceUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eviction signals of a dekube node, measured (kube reads them from its Summary API):
 * <ul>
 *   <li>{@code memory.available}: the node's memory capacity ({@code --node-memory}) minus the working set of its
 *   pods' running containers — kube's {@code capacity - workingSet} seen from the node, where dekube's node is the
 *   pods it runs (a jvm container's working set is what its program holds, see README "Resource metrics");</li>
 *   <li>{@code nodefs.available} and {@code nodefs.inodesFree}: the file system of the kubelet's data folder
 *   (available bytes and capacity as statfs gives them; free and total inodes from {@code stat -f}, no observation
 *   where that command is missing);</li>
 *   <li>{@code pid.available}: {@code /proc/sys/kernel/pid_max} minus the tasks the machine runs ({@code
 *   /proc/loadavg}), as kube's rlimit stats — the machine's, which the nodes of one process share.</li>
 * </ul>
 * No imagefs or containerfs observation: dekube's images live in the kubelet, so those thresholds are never met.
 * Reads files and runs a process: call from a worker thread.
 */
public final class NodeSignals {

  private static final Logger LOG = LoggerFactory.getLogger(NodeSignals.class);

  private NodeSignals() {
  }

  /** One pod's running containers, captured on the kubelet's context, measured on a worker. */
  public record Containers(String uid, java.util.List<Container> containers) {
  }

  /** One running container: its name, what reads its usage, its current log file (its disk: the folder beside). */
  public record Container(String name, java.util.function.Supplier<ResourceUsage> usage, Path logFile) {
  }

  /** The observations and each pod's usage ({@code disk}: measure the containers' disk too). */
  public static Sample sample(long memoryCapacity, Path dataDir, java.util.List<Containers> pods, boolean disk,
                              Instant now) {
    Map<String, PodUsage> usage = new java.util.HashMap<>();
    long workingSet = 0;
    for (Containers p : pods) {
      java.util.List<PodUsage.Container> cs = new java.util.ArrayList<>();
      for (Container c : p.containers()) {
        long ws = c.usage().get().workingSetBytes();
        DiskUsage d = disk ? DiskUsage.of(c.logFile()) : DiskUsage.NONE;
        cs.add(new PodUsage.Container(c.name(), ws, d.rootfsBytes() + d.logsBytes()));
        workingSet += ws;
      }
      usage.put(p.uid(), new PodUsage(cs));
    }
    Map<Signal, Observation> obs = new EnumMap<>(Signal.class);
    obs.put(Signal.MEMORY_AVAILABLE, Observation.of(memoryCapacity - workingSet, memoryCapacity, now));
    fileSystem(dataDir, now, obs);
    pids(now, obs);
    return new Sample(obs, usage);
  }

  /** What one housekeeping measured. */
  public record Sample(Map<Signal, Observation> observations, Map<String, PodUsage> pods) {
  }

  private static void fileSystem(Path dir, Instant now, Map<Signal, Observation> obs) {
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return;
      }
      var store = Files.getFileStore(existing);
      obs.put(Signal.NODEFS_AVAILABLE, Observation.of(store.getUsableSpace(), store.getTotalSpace(), now));
      long[] inodes = inodes(existing);
      if (inodes != null) {
        obs.put(Signal.NODEFS_INODES_FREE, Observation.of(inodes[1], inodes[0], now));
      }
    } catch (IOException e) {
      LOG.debug("eviction: cannot read the file system of {}: {}", dir, e.toString());
    }
  }

  /** Total and free inodes of the file system holding {@code dir} ({@code stat -f -c '%c %d'}); null when unknown. */
  static long[] inodes(Path dir) {
    try {
      Process p = new ProcessBuilder("stat", "-f", "-c", "%c %d", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      String[] f = out.split("\\s+");
      long total = Long.parseLong(f[0]);
      return total <= 0 ? null : new long[] {total, Long.parseLong(f[1])}; // file systems without inodes report 0
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void pids(Instant now, Map<Signal, Observation> obs) {
    try {
      long max = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).strip());
      String[] load = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      long tasks = Long.parseLong(load[3].substring(load[3].indexOf('/') + 1));
      obs.put(Signal.PID_AVAILABLE, Observation.of(max - tasks, max, now));
    } catch (IOException | RuntimeException e) {
      LOG.debug("eviction: no pid.available observation: {}", e.toString());
    }
  }
}
