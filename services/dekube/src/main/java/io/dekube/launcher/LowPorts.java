package io.dekube.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process may listen on a port below 1024 (Linux: root, the {@code CAP_NET_BIND_SERVICE} capability, or
 * a lowered {@code net.ipv4.ip_unprivileged_port_start}), as kube-proxy needs to serve a ClusterIP's port 443.
 */
final class LowPorts {

  private static final int CAP_NET_BIND_SERVICE = 10;

  private LowPorts() {
  }

  /** Whether port {@code port} can be bound here; true where /proc does not tell (not Linux). */
  static boolean bindable(int port) {
    try {
      String start = Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).trim();
      if (port >= Integer.parseInt(start)) {
        return true;
      }
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:") && line.split("\\s+")[2].equals("0")) {
          return true; // the effective uid
        }
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          if ((caps & (1L << CAP_NET_BIND_SERVICE)) != 0) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
