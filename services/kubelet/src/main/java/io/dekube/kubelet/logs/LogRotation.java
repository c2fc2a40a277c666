package io.dekube.kubelet.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * One container log's rotation, as kube 1.32's container log manager does it: when the log is at least the policy's
 * size, leftovers of a failed rotation go ({@code .tmp} files, rotated files that have a {@code .gz}), the oldest
 * rotated files go until at most {@code maxFiles - 2} remain, those are gzipped ({@code <log>.<time>.gz}), and the log
 * is renamed {@code <log>.<yyyyMMdd-HHmmss>} (local time, Go's {@code 20060102-150405}) — the runtime then reopens its
 * path, so at most {@code maxFiles} files remain: the new log, the one just rotated (plain, so a reader can finish it)
 * and the older ones compressed. Blocking file work: call it on a worker thread.
 */
public final class LogRotation {

  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private LogRotation() {
  }

  /**
   * Rotates {@code log} when it has reached the policy's size; {@code reopen} is asked to make the runtime write to
   * the path again (kube's {@code ReopenContainerLog}). Returns the rotated file, or null when nothing was rotated.
   */
  public static Path rotateIfDue(Path log, ContainerLogPolicy policy, Instant now, ZoneId zone, Runnable reopen)
      throws IOException {
    if (!policy.rotates() || !Files.isRegularFile(log) || Files.size(log) < policy.maxBytes()) {
      return null;
    }
    List<Path> rotated = removeUnused(rotatedFiles(log));
    rotated = removeExcess(rotated, Math.max(0, policy.maxFiles() - 2));
    for (Path r : rotated) {
      if (!r.getFileName().toString().endsWith(".gz")) {
        compress(r);
      }
    }
    Path target = log.resolveSibling(log.getFileName() + "." + SUFFIX.format(now.atZone(zone)));
    Files.move(log, target, StandardCopyOption.REPLACE_EXISTING);
    reopen.run();
    return target;
  }

  /** The rotated files of {@code log} ({@code <log>.*}), oldest first (their names sort by time). */
  public static List<Path> rotatedFiles(Path log) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(log.getParent())) {
      return out;
    }
    String prefix = log.getFileName() + ".";
    try (DirectoryStream<Path> s = Files.newDirectoryStream(log.getParent(), p -> p.getFileName().toString()
        .startsWith(prefix))) {
      s.forEach(out::add);
    }
    Collections.sort(out);
    return out;
  }

  /** kube's {@code cleanupUnusedLogs}: {@code .tmp} files, and plain files whose {@code .gz} is there, go. */
  private static List<Path> removeUnused(List<Path> logs) throws IOException {
    List<Path> inUse = new ArrayList<>();
    for (Path l : logs) {
      String name = l.getFileName().toString();
      boolean unused = name.endsWith(".tmp") || !name.endsWith(".gz") && logs.contains(l.resolveSibling(name + ".gz"));
      if (unused) {
        Files.deleteIfExists(l);
      } else {
        inUse.add(l);
      }
    }
    return inUse;
  }

  /** Removes the oldest until {@code keep} remain; returns those. */
  private static List<Path> removeExcess(List<Path> logs, int keep) throws IOException {
    int excess = logs.size() - keep;
    for (int i = 0; i < excess; i++) {
      Files.deleteIfExists(logs.get(i));
    }
    return excess > 0 ? logs.subList(excess, logs.size()) : logs;
  }

  /** {@code file} → {@code file.gz} through {@code file.tmp}, then the plain file goes. */
  private static void compress(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (InputStream in = Files.newInputStream(file); OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
      in.transferTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file.resolveSibling(file.getFileName() + ".gz"), StandardCopyOption.REPLACE_EXISTING);
    Files.delete(file);
  }
}
