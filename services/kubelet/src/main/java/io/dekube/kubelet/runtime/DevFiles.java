package io.dekube.kubelet.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The device files of a {@code jvm} container's {@code /dev}, as a container runtime makes them: {@code null} (reads
 * nothing, takes anything), {@code zero}, {@code random} and {@code urandom} (a read gives 64 KiB of zeros or random
 * bytes: a built-in command reads a file whole, so the endless devices are read a block at a time), {@code full}
 * (a write fails with ENOSPC), {@code tty} (no controlling terminal: ENXIO), and {@code stdin}, {@code stdout},
 * {@code stderr}, {@code fd} and {@code core} as the links to {@code /proc/self/...} they are (the shell's
 * redirections to {@code /dev/stdout} and {@code /dev/stderr} go to the command's own outputs). Character devices
 * carry {@code S_IFCHR} in their mode, so {@code ls -l} shows {@code crw-rw-rw-}. Pure but for the random bytes.
 */
final class DevFiles {

  /** The file type bits of a character device ({@code S_IFCHR}). */
  static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK = 64 * 1024;
  private static final List<String> DEVICES = List.of("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom",
      "/dev/full", "/dev/tty", "/dev/ptmx");
  private static final Map<String, String> LINKS = Map.of("/dev/stdin", "/proc/self/fd/0", "/dev/stdout",
      "/proc/self/fd/1", "/dev/stderr", "/proc/self/fd/2", "/dev/fd", "/proc/self/fd", "/dev/core", "/proc/kcore");
  private static final Instant BOOT = Instant.now();

  private DevFiles() {
  }

  /** Whether {@code p} (absolute, normalized) is one of the device files or links. */
  static boolean holds(String p) {
    return DEVICES.contains(p) || LINKS.containsKey(p);
  }

  /** The names they add to {@code /dev}. */
  static List<String> names() {
    return java.util.stream.Stream.concat(DEVICES.stream(), LINKS.keySet().stream()).map(ContainerFs::name).toList();
  }

  /** What is at {@code p}: a character device or a link. */
  static ContainerFs.Entry raw(String p) {
    if (LINKS.containsKey(p)) {
      return new ContainerFs.Entry(false, LINKS.get(p).length(), BOOT, false, 0, 0, 0777, LINKS.get(p), 1);
    }
    return new ContainerFs.Entry(false, 0, BOOT, true, 0, p.equals("/dev/tty") ? 5 : 0, CHARACTER_DEVICE | 0666, null,
        1);
  }

  /** What a read of the device {@code p} gives. */
  static byte[] read(String p) throws ContainerFs.FsError {
    return switch (p) {
      case "/dev/null" -> new byte[0];
      case "/dev/zero", "/dev/full" -> new byte[BLOCK];
      case "/dev/random", "/dev/urandom" -> {
        byte[] bytes = new byte[BLOCK];
        ThreadLocalRandom.current().nextBytes(bytes);
        yield bytes;
      }
      default -> throw new ContainerFs.FsError("No such device or address");
    };
  }

  /** A write to the device {@code p}: taken and dropped, or refused as the kernel does. */
  static void write(String p) throws ContainerFs.FsError {
    if (p.equals("/dev/full")) {
      throw new ContainerFs.FsError("No space left on device");
    }
    if (p.equals("/dev/tty") || p.equals("/dev/ptmx")) {
      throw new ContainerFs.FsError("No such device or address");
    }
  }
}
