package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's ClusterRole aggregation controller: the rules of a ClusterRole with an
 * {@code aggregationRule} are the union of the rules of every other ClusterRole that one of its
 * {@code clusterRoleSelectors} selects. Any ClusterRole change schedules one pass over all
 * aggregated roles (coalesced); a role whose rules differ is updated, whose update triggers the
 * next pass, until nothing changes ({@code admin} ⊇ {@code edit} ⊇ {@code view}). Idempotent: several
 * apiservers may run it, a lost compare-and-swap is retried by the next pass. Runs on the
 * deploying verticle's event loop; never blocks.
 */
public final class ClusterRoleAggregator {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRoleAggregator.class);

  private final Vertx vertx;
  private final Informer clusterRoles;
  private final StoreApi store;
  private final ResourceType type;
  private boolean scheduled;

  public ClusterRoleAggregator(Vertx vertx, Informer clusterRoles, StoreApi store) {
    this.vertx = vertx;
    this.clusterRoles = clusterRoles;
    this.store = store;
    this.type = clusterRoles.type();
  }

  /** Starts watching ClusterRoles (call on the event loop that runs the passes). */
  public void start() {
    clusterRoles.addHandler(InformerHandler.keys(k -> schedule()));
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      vertx.setTimer(20, t -> {
        scheduled = false;
        pass();
      });
    }
  }

  private void pass() {
    List<ObjectNode> all = clusterRoles.list();
    for (ObjectNode role : all) {
      JsonNode rule = role.path("aggregationRule");
      if (!rule.isObject()) {
        continue;
      }
      ArrayNode rules = aggregate(role, rule, all);
      JsonNode current = role.path("rules").isArray() ? role.get("rules") : Json.MAPPER.createArrayNode();
      if (!rules.equals(current)) {
        ObjectNode updated = role.deepCopy();
        updated.set("rules", rules);
        String name = role.path("metadata").path("name").asText();
        store.update(type, updated, WriteOptions.none())
            .onSuccess(o -> LOG.info("aggregated ClusterRole {}: {} rules", name, rules.size()))
            .onFailure(e -> LOG.debug("aggregating ClusterRole {} failed (next pass retries): {}", name, e.toString()))
            .recover(e -> Future.succeededFuture());
      }
    }
  }

  /** The union of the rules of the roles the aggregation rule selects, in name order, without duplicates. Pure. */
  static ArrayNode aggregate(ObjectNode role, JsonNode aggregationRule, List<ObjectNode> all) {
    String self = role.path("metadata").path("name").asText();
    List<ObjectNode> sorted = new ArrayList<>(all);
    sorted.sort((a, b) -> a.path("metadata").path("name").asText().compareTo(b.path("metadata").path("name").asText()));
    ArrayNode rules = Json.MAPPER.createArrayNode();
    for (ObjectNode other : sorted) {
      if (other.path("metadata").path("name").asText().equals(self) || !selected(aggregationRule, other)) {
        continue;
      }
      for (JsonNode r : other.path("rules")) {
        boolean dup = false;
        for (JsonNode have : rules) {
          dup |= have.equals(r);
        }
        if (!dup) {
          rules.add(r.deepCopy());
        }
      }
    }
    return rules;
  }

  private static boolean selected(JsonNode aggregationRule, ObjectNode role) {
    for (JsonNode selector : aggregationRule.path("clusterRoleSelectors")) {
      if (LabelSelector.fromJson(selector).matches(role)) {
        return true;
      }
    }
    return false;
  }
}
