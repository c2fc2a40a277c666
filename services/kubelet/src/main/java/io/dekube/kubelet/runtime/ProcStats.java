package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of OS processes from Linux's {@code /proc}: {@code /proc/<pid>/stat}
 * fields utime, stime, cutime and cstime (clock ticks of {@value #USER_HZ} Hz, the unit /proc reports
 * in on Linux) and {@code VmRSS} of {@code /proc/<pid>/status}. Reads files: call off the event loop.
 * A process that is gone (or a system without /proc) counts as 0.
 */
public final class ProcStats {

  /** The clock-tick rate of /proc's times (USER_HZ, 100 on Linux whatever the kernel's HZ). */
  static final long USER_HZ = 100;

  private ProcStats() {
  }

  /** The usage of a process and of every process it started that still runs. */
  public static ResourceUsage ofTree(ProcessHandle root) {
    ResourceUsage total = of(root.pid());
    try (Stream<ProcessHandle> children = root.descendants()) {
      for (ProcessHandle h : (Iterable<ProcessHandle>) children::iterator) {
        total = total.plus(of(h.pid()));
      }
    }
    return total;
  }

  /** The usage of one process: its CPU time (with that of its waited-for children) and its resident set. */
  public static ResourceUsage of(long pid) {
    Path dir = Path.of("/proc", Long.toString(pid));
    try {
      long ticks = cpuTicks(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII));
      long rss = rssBytes(Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII));
      return new ResourceUsage(ticks * (1_000_000_000L / USER_HZ), rss);
    } catch (IOException | RuntimeException e) {
      return ResourceUsage.NONE;
    }
  }

  /** utime + stime + cutime + cstime of a {@code /proc/<pid>/stat} line, in clock ticks. */
  static long cpuTicks(String stat) {
    // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14 -> f[11], stime f[12], cutime f[13], cstime f[14]
    return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** {@code VmRSS} of a {@code /proc/<pid>/status} text, in bytes (0 when absent, as for a zombie). */
  static long rssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return 0;
  }
}
