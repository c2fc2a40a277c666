package io.dekube.kubelet.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * A container's log as {@code kubectl logs -f} reads it, across the kubelet's rotations, as kube's reader does: the
 * file stays open while it is read, so a rotation (rename, later gzip and removal) does not take its rest away and its
 * inode is not given to a new file meanwhile; at its end, when the path is another file, that one is opened and read
 * from its start. Bytes count as read once {@link #advance}d (a decoder takes whole lines only). Blocking: one thread
 * at a time (the stream's reads run one after the other on worker threads).
 */
final class FollowedLog implements AutoCloseable {

  private final Path path;
  private final int chunk;
  private FileChannel channel;
  private Object key;
  private long offset;

  FollowedLog(Path path, int chunk) {
    this.path = path;
    this.chunk = chunk;
  }

  /** Everything the log holds now (empty when there is no file yet). */
  byte[] readAll() throws IOException {
    if (!open()) {
      return new byte[0];
    }
    long size = channel.size();
    return read(Math.max(0, size - offset));
  }

  /**
   * The next bytes (at most a chunk) from where {@link #advance} left off: of the open file while it has more, else
   * of the file now at the path when the log was rotated (from its start); empty when nothing new was written.
   */
  byte[] next() throws IOException {
    if (channel == null && !open()) {
      return new byte[0];
    }
    byte[] data = read(chunk);
    if (data.length > 0) {
      return data;
    }
    Object now = key(path);
    if (now == null || now.equals(key)) {
      return data;
    }
    channel.close();
    channel = null;
    offset = 0;
    return open() ? read(chunk) : new byte[0];
  }

  /** Counts {@code n} bytes of what was returned as read. */
  void advance(long n) {
    offset += n;
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing
      }
      channel = null;
    }
  }

  private boolean open() throws IOException {
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return false;
    }
    key = key(path);
    return true;
  }

  private byte[] read(long max) throws IOException {
    long available = channel.size() - offset;
    if (available <= 0) {
      return new byte[0];
    }
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(available, max));
    int n = channel.read(b, offset);
    return n <= 0 ? new byte[0] : Arrays.copyOf(b.array(), n);
  }

  /** The file's identity (device and inode), which a rename keeps; null when there is no file. */
  static Object key(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
