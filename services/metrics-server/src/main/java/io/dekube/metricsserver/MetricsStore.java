package io.dekube.metricsserver;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last two scrapes of each node, and the usage they give, as metrics-server computes it: CPU
 * is the rate of the cumulative counter between the two samples (so a node or container shows up
 * after its second scrape, and a restarted container, whose start time changed, after its next
 * two), memory is the last working set, the window is the time between the samples. Thread-safe:
 * the scraper writes, request handlers read.
 */
public final class MetricsStore {

  /** A usage: CPU in nanocores, memory in bytes, when it was measured and over which window. */
  public record Usage(long nanoCores, long memoryBytes, Instant timestamp, Duration window) {
  }

  private record Pair(NodeScrape previous, NodeScrape last) {
  }

  private final Map<String, Pair> nodes = new ConcurrentHashMap<>();

  /** Records a node's new scrape. */
  public void put(String node, NodeScrape scrape) {
    nodes.compute(node, (k, p) -> new Pair(p == null ? null : p.last(), scrape));
  }

  /** Forgets a node (its scrape failed, or it is gone). */
  public void forget(String node) {
    nodes.remove(node);
  }

  /** The nodes with data. */
  public java.util.Set<String> nodes() {
    return nodes.keySet();
  }

  /** The node's usage, once it has two samples. */
  public Optional<Usage> node(String name) {
    Pair p = nodes.get(name);
    if (p == null || p.previous() == null || p.previous().node() == null || p.last().node() == null) {
      return Optional.empty();
    }
    return rate(p.previous().node(), p.last().node());
  }

  /**
   * The usage of each container of a pod, by container name (sorted), when every container that the
   * last scrape lists for it has two samples; empty otherwise.
   */
  public Optional<Map<String, Usage>> pod(String namespace, String name) {
    for (Pair p : nodes.values()) {
      if (p.previous() == null) {
        continue;
      }
      Map<String, Usage> out = new TreeMap<>();
      boolean found = false;
      boolean complete = true;
      for (Map.Entry<NodeScrape.ContainerKey, NodeScrape.Sample> e : p.last().containers().entrySet()) {
        NodeScrape.ContainerKey k = e.getKey();
        if (!k.namespace().equals(namespace) || !k.pod().equals(name)) {
          continue;
        }
        found = true;
        NodeScrape.Sample before = p.previous().containers().get(k);
        Optional<Usage> u = before == null || before.startTime() != e.getValue().startTime() ? Optional.empty()
            : rate(before, e.getValue());
        if (u.isEmpty()) {
          complete = false;
        } else {
          out.put(k.container(), u.get());
        }
      }
      if (found) {
        return complete ? Optional.of(out) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  static Optional<Usage> rate(NodeScrape.Sample before, NodeScrape.Sample now) {
    long ms = Duration.between(before.at(), now.at()).toMillis();
    double cpu = now.cpuSeconds() - before.cpuSeconds();
    if (ms <= 0 || cpu < 0) {
      return Optional.empty();
    }
    long nanoCores = Math.round(cpu / (ms / 1000.0) * 1e9);
    return Optional.of(new Usage(nanoCores, now.memoryBytes(), now.at(), Duration.ofMillis(ms)));
  }
}
