package io.dekube.metricsserver;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of a kubelet's {@code /metrics/resource} (Prometheus text): the node's cumulative CPU
 * and working set, and each container's, with the time each sample was taken. Parsed as
 * metrics-server does: only the resource metrics, other lines are skipped. Immutable once parsed.
 *
 * @param node       the node's sample (null when the kubelet sent none)
 * @param containers by container, the sample of each running container
 */
public record NodeScrape(Sample node, Map<ContainerKey, Sample> containers) {

  /** A container of a pod. */
  public record ContainerKey(String namespace, String pod, String container) {
  }

  /**
   * Cumulative CPU (core-seconds), working set (bytes), the sample's time, and (containers) the
   * container's start time in epoch seconds (0 when unknown).
   */
  public record Sample(double cpuSeconds, long memoryBytes, Instant at, double startTime) {
  }

  /** Parses the text of {@code /metrics/resource}. */
  public static NodeScrape parse(String text) {
    Map<ContainerKey, double[]> values = new LinkedHashMap<>(); // cpu, memory, start, timestamp ms
    double[] node = {Double.NaN, Double.NaN, 0, 0};
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Line l = Line.parse(line);
      if (l == null) {
        continue;
      }
      switch (l.name) {
        case "node_cpu_usage_seconds_total" -> set(node, 0, l);
        case "node_memory_working_set_bytes" -> set(node, 1, l);
        case "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_start_time_seconds" -> {
          ContainerKey k = new ContainerKey(l.labels.get("namespace"), l.labels.get("pod"), l.labels.get("container"));
          if (k.namespace() != null && k.pod() != null && k.container() != null) {
            double[] v = values.computeIfAbsent(k, x -> new double[] {Double.NaN, Double.NaN, 0, 0});
            set(v, l.name.startsWith("container_cpu") ? 0 : l.name.startsWith("container_memory") ? 1 : 2, l);
          }
        }
        default -> {
        }
      }
    }
    Map<ContainerKey, Sample> containers = new HashMap<>();
    values.forEach((k, v) -> {
      if (!Double.isNaN(v[0]) && !Double.isNaN(v[1])) {
        containers.put(k, new Sample(v[0], (long) v[1], Instant.ofEpochMilli((long) v[3]), v[2]));
      }
    });
    Sample n = Double.isNaN(node[0]) || Double.isNaN(node[1]) ? null
        : new Sample(node[0], (long) node[1], Instant.ofEpochMilli((long) node[3]), 0);
    return new NodeScrape(n, containers);
  }

  private static void set(double[] into, int index, Line l) {
    into[index] = l.value;
    if (index < 2 && l.timestamp > 0) {
      into[3] = l.timestamp;
    }
  }

  /** One sample line: {@code name{a="b",...} value [timestamp]}. */
  private record Line(String name, Map<String, String> labels, double value, long timestamp) {

    static Line parse(String line) {
      try {
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new HashMap<>();
        if (brace >= 0 && brace < line.indexOf(' ')) {
          name = line.substring(0, brace);
          int end = labels(line, brace + 1, labels);
          space = end + 1;
        } else {
          space = line.indexOf(' ');
          name = line.substring(0, space);
        }
        String[] rest = line.substring(space).trim().split("\\s+");
        double value = Double.parseDouble(rest[0]);
        long ts = rest.length > 1 ? Long.parseLong(rest[1]) : 0;
        return new Line(name, labels, value, ts);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** Reads {@code a="b",c="d"} from {@code from}; returns the index of the closing brace. */
    private static int labels(String line, int from, Map<String, String> into) {
      int i = from;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        StringBuilder v = new StringBuilder();
        int j = eq + 2; // past ="
        while (line.charAt(j) != '"') {
          if (line.charAt(j) == '\\') {
            j++;
          }
          v.append(line.charAt(j++));
        }
        into.put(key, v.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      return i;
    }
  }
}
