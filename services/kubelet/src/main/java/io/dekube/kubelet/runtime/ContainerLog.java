package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * A container's log file in the CRI format ({@link CriLog}: a time, the stream and the text per line),
 * written by the runtime (a built-in image's lines, a process's output); the kubelet's container log manager rotates
 * it ({@link io.dekube.kubelet.logs.LogRotation}) and has it {@link #reopen}ed. Thread-safe; {@link #line}, {@link #append} and {@link #close} hand their work to one shared
 * writer thread, in order, so event loops never wait on the disk.
 */
public final class ContainerLog {

  private final Path file;
  private OutputStream out;

  public ContainerLog(Path file) {
    this.file = file;
  }

  private static final java.util.concurrent.ExecutorService WRITER = java.util.concurrent.Executors
      .newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dekube-container-logs");
        t.setDaemon(true);
        return t;
      });

  /** Appends a line of stdout (a newline is added when missing), off the caller's thread. */
  public void line(String text) {
    append("stdout", (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Appends a chunk of the container's {@code stdout} or {@code stderr}, stamped now, off the caller's thread. */
  public void append(String stream, byte[] data) {
    byte[] entries = CriLog.encode(java.time.Instant.now(), stream, data);
    WRITER.execute(() -> write(entries, 0, -1));
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** Appends bytes ({@code length} -1 = all). */
  public synchronized void write(byte[] data, int offset, int length) {
    int n = length < 0 ? data.length - offset : length;
    try {
      if (out == null) {
        Files.createDirectories(file.getParent());
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(data, offset, n);
      out.flush();
    } catch (IOException e) {
      // a full disk must not take the container down; the line is lost
    }
  }

  /**
   * Closes the file after every line appended before this call: the stage completes, on the writer thread, once
   * they are on disk — a runtime reports its container's exit only then, so {@code kubectl logs} right after the
   * status says Terminated shows the last lines. A line appended later opens the file again.
   */
  public CompletableFuture<Void> close() {
    return CompletableFuture.runAsync(this::closeNow, WRITER);
  }

  /**
   * Writes to the path again after the kubelet renamed the file (CRI's {@code ReopenContainerLog}): the lines appended
   * before this call are in the renamed file once the stage completes, later ones go to a new file at the path.
   */
  public CompletableFuture<Void> reopen() {
    return close();
  }

  private synchronized void closeNow() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // closing
      }
      out = null;
    }
  }
}
