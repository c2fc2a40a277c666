package io.dekube.launcher;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Flags of {@code dekube up}. Defaults are the fixed addresses of DESIGN.md; tests pass port 0
 * (pick a free port) and a temporary data directory.
 *
 * @param kafka       an existing Kafka cluster's bootstrap servers, or null to start the embedded broker
 * @param kafkaPort   the embedded broker's port (default 9092)
 * @param apiPort     the apiserver's HTTPS port (default 6443)
 * @param opsPort     the process's /metrics, /healthz, /readyz port (default 10260)
 * @param dataDir     where state lives (default {@code .dekube}): broker data, PKI, kubeconfig
 * @param writers     how many writer verticles this process runs (default 1)
 */
public record UpOptions(String kafka, int kafkaPort, int apiPort, int opsPort, Path dataDir, int writers) {

  /** The defaults of {@code ./dekube up}. */
  public static UpOptions defaults() {
    return new UpOptions(null, 9092, 6443, 10260, Path.of(".dekube"), 1);
  }

  /** Parses {@code --flag value} and {@code --flag=value} pairs; throws IllegalArgumentException on bad input. */
  public static UpOptions parse(List<String> args) {
    UpOptions o = defaults();
    Deque<String> rest = new ArrayDeque<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        rest.add(a.substring(0, eq));
        rest.add(a.substring(eq + 1));
      } else {
        rest.add(a);
      }
    }
    while (!rest.isEmpty()) {
      String flag = rest.poll();
      String value = rest.poll();
      if (value == null) {
        throw new IllegalArgumentException("flag " + flag + " needs a value");
      }
      o = switch (flag) {
        case "--kafka" -> new UpOptions(value, o.kafkaPort, o.apiPort, o.opsPort, o.dataDir, o.writers);
        case "--kafka-port" -> new UpOptions(o.kafka, port(flag, value), o.apiPort, o.opsPort, o.dataDir, o.writers);
        case "--api-port" -> new UpOptions(o.kafka, o.kafkaPort, port(flag, value), o.opsPort, o.dataDir, o.writers);
        case "--ops-port" -> new UpOptions(o.kafka, o.kafkaPort, o.apiPort, port(flag, value), o.dataDir, o.writers);
        case "--data-dir" -> new UpOptions(o.kafka, o.kafkaPort, o.apiPort, o.opsPort, Path.of(value), o.writers);
        case "--writers" -> new UpOptions(o.kafka, o.kafkaPort, o.apiPort, o.opsPort, o.dataDir, count(flag, value));
        default -> throw new IllegalArgumentException("unknown flag " + flag + " (see ./dekube help)");
      };
    }
    return o;
  }

  private static int port(String flag, String value) {
    int p = integer(flag, value);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(flag + " must be a port 0-65535, got " + value);
    }
    return p;
  }

  private static int count(String flag, String value) {
    int n = integer(flag, value);
    if (n < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
    return n;
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, got " + value);
    }
  }
}
