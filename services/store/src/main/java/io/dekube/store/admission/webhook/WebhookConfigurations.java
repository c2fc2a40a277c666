package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The webhooks of the stored Validating- and MutatingWebhookConfigurations, from their
 * caches: configurations in name order and each one's webhooks in their order, as kube sorts them.
 * The parsed lists are kept until a cache moves on. Thread-safe.
 */
final class WebhookConfigurations {

  private final ConfigurationSource validating;
  private final ConfigurationSource mutating;
  private volatile Parsed parsed = new Parsed(-2, -2, List.of(), List.of());

  private record Parsed(long validatingRv, long mutatingRv, List<Webhook> validating, List<Webhook> mutating) {
  }

  WebhookConfigurations(ConfigurationSource validating, ConfigurationSource mutating) {
    this.validating = validating;
    this.mutating = mutating;
  }

  /** Starts both caches; completes once they replayed the store. */
  io.vertx.core.Future<Void> start() {
    return io.vertx.core.Future.all(validating.start(), mutating.start()).mapEmpty();
  }

  List<Webhook> validating() {
    return current().validating();
  }

  List<Webhook> mutating() {
    return current().mutating();
  }

  private Parsed current() {
    Parsed p = parsed;
    long v = validating.resourceVersion();
    long m = mutating.resourceVersion();
    if (p.validatingRv() != v || p.mutatingRv() != m) {
      p = new Parsed(v, m, read(validating, false), read(mutating, true));
      parsed = p;
    }
    return p;
  }

  private static List<Webhook> read(ConfigurationSource cache, boolean mutating) {
    List<ObjectNode> configs = new ArrayList<>(cache.items());
    configs.sort(Comparator.comparing(c -> c.path("metadata").path("name").asText("")));
    List<Webhook> hooks = new ArrayList<>();
    for (ObjectNode c : configs) {
      String name = c.path("metadata").path("name").asText("");
      c.path("webhooks").forEach(h -> hooks.add(Webhook.of(name, mutating, h)));
    }
    return List.copyOf(hooks);
  }
}
