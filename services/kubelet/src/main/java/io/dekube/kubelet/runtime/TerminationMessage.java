package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A container's termination message, as kube's kubelet gets it: what the container wrote to its
 * {@code terminationMessagePath} (the last 4096 bytes), else, with {@code terminationMessagePolicy:
 * FallbackToLogsOnError} and a non-zero exit, the end of its log (the last 80 lines, at most 2048 bytes).
 * The file is the container's own: {@code <container folder>/root/<path>}, the jvm runtime's writable layer
 * and the process runtime's {@code $DEKUBE_ROOT}. Blocking: call off the event loop.
 */
public final class TerminationMessage {

  /** kube's {@code MaxContainerTerminationMessageLength}. */
  static final int MAX_FILE_BYTES = 4096;
  /** kube's {@code MaxContainerTerminationMessageLogLength} and {@code MaxContainerTerminationMessageLogLines}. */
  static final int MAX_LOG_BYTES = 2048;
  static final int MAX_LOG_LINES = 80;

  private TerminationMessage() {
  }

  /** Creates the container's empty message file, so that it may write it (as kube mounts one per run). */
  public static void prepare(ContainerSpec spec) throws IOException {
    Path file = file(spec.rootDir(), spec.container());
    if (file != null) {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
    }
  }

  /** The message of a run of {@code c} that ended with {@code exitCode}; null when there is none. */
  public static String read(Path rootDir, Container c, int exitCode, Path logFile) {
    boolean fallback = "FallbackToLogsOnError".equals(c.getTerminationMessagePolicy()) && exitCode != 0;
    Path file = file(rootDir, c);
    String message = "";
    if (file != null) {
      try {
        message = new String(tail(file, MAX_FILE_BYTES), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        message = "";
      } catch (IOException e) {
        return "Error on reading termination log " + file + ": " + e.getMessage();
      }
    }
    if (message.isEmpty() && fallback && logFile != null) {
      message = logTail(logFile);
    }
    return message.isEmpty() ? null : message;
  }

  /** The container's message file on the node, or null when the path is empty or leaves its folder. */
  public static Path file(Path rootDir, Container c) {
    String path = c.getTerminationMessagePath();
    if (path == null || path.isEmpty()) {
      return null;
    }
    Path file = rootDir.resolve(path.replaceFirst("^/+", "")).normalize();
    return file.startsWith(rootDir) ? file : null;
  }

  /** The content of the log's last lines (80), at most its last 2048 bytes; "" when there is no log. */
  static String logTail(Path log) {
    byte[] data;
    try {
      data = Files.readAllBytes(log);
    } catch (IOException e) {
      return "";
    }
    Deque<byte[]> lines = new ArrayDeque<>();
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (CriLog.Entry e : CriLog.decode(data).entries()) {
      line.writeBytes(e.content());
      if (!e.partial()) {
        line.write('\n');
        lines.addLast(line.toByteArray());
        line.reset();
        if (lines.size() > MAX_LOG_LINES) {
          lines.removeFirst();
        }
      }
    }
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    lines.forEach(all::writeBytes);
    byte[] bytes = all.toByteArray();
    int from = Math.max(0, bytes.length - MAX_LOG_BYTES);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }

  private static byte[] tail(Path file, int max) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, f.length() - max);
      byte[] b = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(b);
      return b;
    }
  }
}
