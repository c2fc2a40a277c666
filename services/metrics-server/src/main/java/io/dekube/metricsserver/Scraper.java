package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes {@code https://<InternalIP>:<kubelet port>/metrics/resource} of every Node, all side by side,
 * once per resolution, into the {@link MetricsStore}; a node whose scrape fails (or that is gone) is
 * forgotten until it answers again, as metrics-server does. Each scrape may take at most 90 % of
 * the resolution. A node is reported as failing once two scrapes in a row failed: at a restart the
 * Nodes still hold the previous run's kubelet ports until their kubelets register again, and the first
 * round would otherwise warn about every node. Asynchronous, on the metrics server's context.
 */
final class Scraper {

  private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);

  private final HttpClient kubelets;
  private final MetricsStore store;
  private final Supplier<List<ObjectNode>> nodes;
  private final long timeoutMs;
  private static final int FAILURES_TO_WARN = 2;

  private final Map<String, Integer> failures = new HashMap<>();

  Scraper(HttpClient kubelets, MetricsStore store, Supplier<List<ObjectNode>> nodes, long resolutionMs) {
    this.kubelets = kubelets;
    this.store = store;
    this.nodes = nodes;
    this.timeoutMs = Math.max(1000, resolutionMs * 9 / 10);
  }

  /** One round over every node; completes when every scrape ended. */
  Future<Void> scrapeAll() {
    List<ObjectNode> all = nodes.get();
    Set<String> names = new HashSet<>();
    all.forEach(n -> names.add(n.path("metadata").path("name").asText()));
    store.nodes().stream().filter(n -> !names.contains(n)).toList().forEach(store::forget);
    failures.keySet().retainAll(names);
    return Future.join(all.stream().map(this::scrape).toList()).mapEmpty();
  }

  private Future<Void> scrape(ObjectNode node) {
    String name = node.path("metadata").path("name").asText();
    String ip = internalIp(node);
    int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
    if (ip == null || port <= 0) {
      store.forget(name);
      return Future.succeededFuture();
    }
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(ip).setPort(port)
        .setURI("/metrics/resource").setTimeout(timeoutMs);
    return kubelets.request(o).compose(req -> req.send()).compose(resp -> resp.body().map(body -> {
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("status " + resp.statusCode());
      }
      return NodeScrape.parse(body.toString());
    })).onSuccess(scrape -> {
      store.put(name, scrape);
      Integer failed = failures.remove(name);
      if (failed != null && failed >= FAILURES_TO_WARN) {
        LOG.info("scraping node {} works again", name);
      }
    }).onFailure(e -> {
      store.forget(name);
      int failed = failures.merge(name, 1, Integer::sum);
      if (failed == FAILURES_TO_WARN) {
        LOG.warn("cannot scrape node {} at https://{}:{}/metrics/resource: {}", name, ip, port, e.toString());
      } else if (failed == 1) {
        LOG.debug("first failed scrape of node {}: {}", name, e.toString());
      }
    }).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  static String internalIp(JsonNode node) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if ("InternalIP".equals(a.path("type").asText())) {
        return a.path("address").asText();
      }
    }
    return null;
  }
}
