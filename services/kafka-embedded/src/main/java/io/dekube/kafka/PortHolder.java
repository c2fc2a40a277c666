package io.dekube.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a TCP port is free to listen on, and when it is not, which process holds it as far as
 * Linux's {@code /proc} tells (the listening socket's inode in {@code /proc/net/tcp[6]}, then the
 * process whose {@code /proc/<pid>/fd} links to it). Stateless; blocking file reads.
 */
final class PortHolder {

  private PortHolder() {
  }

  /** Null when {@code host:port} can be bound, else a sentence naming the port and, if known, its holder. */
  static String taken(String host, int port) {
    if (port <= 0) {
      return null;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (IOException e) {
      return "port " + host + ":" + port + " is taken" + holder(port).map(h -> " by " + h).orElse("")
          + " (" + e.getMessage() + ")";
    }
  }

  /** "pid 1234 (java -cp ...)" of the process listening on {@code port}, when /proc tells. */
  static Optional<String> holder(int port) {
    try {
      Optional<String> inode = listeningInode(Path.of("/proc/net/tcp"), port)
          .or(() -> listeningInode(Path.of("/proc/net/tcp6"), port));
      return inode.flatMap(PortHolder::processOf);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> listeningInode(Path table, int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    try {
      for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          return Optional.of(f[9]);
        }
      }
    } catch (IOException e) {
      // not Linux, or not readable
    }
    return Optional.empty();
  }

  private static Optional<String> processOf(String inode) {
    String target = "socket:[" + inode + "]";
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (holds(proc, target)) {
          return Optional.of("pid " + proc.getFileName() + " (" + commandLine(proc) + ")");
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return Optional.empty();
  }

  private static boolean holds(Path proc, String target) {
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(target)) {
            return true;
          }
        } catch (IOException | UnsupportedOperationException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      // not ours to read
    }
    return false;
  }

  private static String commandLine(Path proc) {
    try {
      String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ')
          .trim();
      return cmd.length() > 160 ? cmd.substring(0, 160) + "..." : cmd;
    } catch (IOException e) {
      return "command unknown";
    }
  }
}
