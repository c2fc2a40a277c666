package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a container keeps on the node's disk, as the Summary API reports it: its writable layer ({@code rootfs}:
 * the bytes of the files in {@code <pod folder>/<container>/root}) and its logs (the container's log files
 * beside it). Volumes are not counted. Immutable.
 *
 * @param rootfsBytes the writable layer's bytes
 * @param logsBytes   the log files' bytes
 */
public record DiskUsage(long rootfsBytes, long logsBytes) {

  /** Nothing on disk. */
  public static final DiskUsage NONE = new DiskUsage(0, 0);

  /** The disk use of the container whose current log file is {@code logFile}. Reads the disk: call from a worker. */
  public static DiskUsage of(Path logFile) {
    if (logFile == null || logFile.getParent() == null) {
      return NONE;
    }
    Path dir = logFile.getParent();
    long logs = 0;
    try (Stream<Path> s = Files.list(dir)) {
      logs = s.filter(f -> f.getFileName().toString().contains(".log") && Files.isRegularFile(f))
          .mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      // gone: nothing counted
    }
    return new DiskUsage(NodeFiles.bytesUnder(dir.resolve("root")), logs);
  }

  /** The sum of two uses. */
  public DiskUsage plus(DiskUsage other) {
    return new DiskUsage(rootfsBytes + other.rootfsBytes, logsBytes + other.logsBytes);
  }
}
