package io.dekube.apiserver.flowcontrol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's APF config controller and bootstrap ensurer, driven by the FlowSchema and
 * PriorityLevelConfiguration informers: on every change it digests the objects into the
 * {@link FlowController}, writes each FlowSchema's {@code Dangling} condition as kube's
 * ({@code NotFound}/{@code Found} and kube's message) when it differs, and puts back the bootstrap objects:
 * a missing one is created; a mandatory one ({@code exempt}, {@code catch-all}) gets its spec back at once
 * (the exempt level keeps its users' nominal shares and lendable percent); a suggested one only while its
 * {@code apf.kubernetes.io/autoupdate-spec} is {@code "true"} (or absent on an object never edited).
 * Changes are coalesced into one sync per event-loop turn; writes are idempotent and a conflict waits for
 * the next change. Runs on the context that created it.
 */
final class FlowControlConfigController {

  private static final Logger LOG = LoggerFactory.getLogger(FlowControlConfigController.class);

  private final Vertx vertx;
  private final StoreApi store;
  private final ResourceType schemaType;
  private final ResourceType levelType;
  private final Informer schemas;
  private final Informer levels;
  private final FlowController controller;
  private final Set<String> writing = ConcurrentHashMap.newKeySet();
  private boolean scheduled;

  FlowControlConfigController(Vertx vertx, StoreApi store, ResourceType schemaType, ResourceType levelType,
                              Informer schemas, Informer levels, FlowController controller) {
    this.vertx = vertx;
    this.store = store;
    this.schemaType = schemaType;
    this.levelType = levelType;
    this.schemas = schemas;
    this.levels = levels;
    this.controller = controller;
  }

  /** Something changed: one sync soon. */
  void changed() {
    if (!scheduled) {
      scheduled = true;
      vertx.runOnContext(v -> {
        scheduled = false;
        sync();
      });
    }
  }

  /** Digests the objects, then writes the conditions and the bootstrap objects that differ. */
  void sync() {
    FlowControlConfig config = FlowControlConfig.of(schemas.list(), levels.list());
    PriorityAndFairnessFilter.resume(controller.apply(config));
    for (ObjectNode fs : schemas.list()) {
      danglingCondition(fs, config.dangling(fs));
    }
    for (ObjectNode o : FlowControlBootstrap.objects()) {
      ensure(o);
    }
  }

  private void danglingCondition(ObjectNode fs, boolean dangling) {
    String level = fs.path("spec").path("priorityLevelConfiguration").path("name").asText();
    String status = dangling ? "True" : "False";
    String reason = dangling ? "NotFound" : "Found";
    String message = "This FlowSchema references the PriorityLevelConfiguration object named \"" + level
        + (dangling ? "\" but there is no such object" : "\" and it exists");
    JsonNode current = condition(fs);
    if (current != null && current.path("status").asText().equals(status)
        && current.path("reason").asText().equals(reason) && current.path("message").asText().equals(message)) {
      return;
    }
    ObjectNode copy = fs.deepCopy();
    ObjectNode statusNode = Json.child(copy, "status");
    ArrayNode conditions = statusNode.path("conditions").isArray() ? (ArrayNode) statusNode.get("conditions")
        : statusNode.putArray("conditions");
    for (Iterator<JsonNode> i = conditions.iterator(); i.hasNext(); ) {
      if (i.next().path("type").asText().equals("Dangling")) {
        i.remove();
      }
    }
    String since = current != null && current.path("status").asText().equals(status)
        ? current.path("lastTransitionTime").asText() : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    conditions.addObject().put("type", "Dangling").put("status", status).put("lastTransitionTime", since)
        .put("reason", reason).put("message", message);
    write("status/" + key(fs) + "/" + status,
        () -> store.updateStatus(schemaType, copy, FlowControlBootstrap.AS_CONSUMER));
  }

  private static JsonNode condition(ObjectNode fs) {
    for (JsonNode c : fs.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Dangling")) {
        return c;
      }
    }
    return null;
  }

  private void ensure(ObjectNode wanted) {
    boolean schema = wanted.path("kind").asText().equals("FlowSchema");
    String name = wanted.path("metadata").path("name").asText();
    ResourceType type = schema ? schemaType : levelType;
    ObjectNode current = (schema ? schemas : levels).get("", name);
    if (current == null) {
      write("create/" + type.resourceName() + "/" + name,
          () -> store.create(type, "", wanted, FlowControlBootstrap.AS_PRODUCER));
      return;
    }
    boolean mandatory = name.equals(FlowControlConfig.EXEMPT) || name.equals(FlowControlConfig.CATCH_ALL);
    ObjectNode spec = (ObjectNode) wanted.path("spec").deepCopy();
    if (mandatory && !schema && name.equals(FlowControlConfig.EXEMPT)) {
      // kube leaves the exempt level's shares and lendable percent to its users
      for (String field : new String[] {"nominalConcurrencyShares", "lendablePercent"}) {
        JsonNode users = current.path("spec").path("exempt").path(field);
        if (!users.isMissingNode() && !users.isNull()) {
          Json.child(spec, "exempt").set(field, users);
        }
      }
    }
    if (!(mandatory || autoUpdate(current)) || contains(current.path("spec"), spec)) {
      return;
    }
    ObjectNode copy = current.deepCopy();
    copy.set("spec", spec);
    Json.child(Json.metadata(copy), "annotations").put(FlowControlBootstrap.AUTOUPDATE, "true");
    LOG.info("put back the spec of the bootstrap {} {}", wanted.path("kind").asText(), name);
    write("update/" + type.resourceName() + "/" + name + "/" + current.path("metadata").path("resourceVersion")
        .asText(), () -> store.update(type, copy, FlowControlBootstrap.AS_PRODUCER));
  }

  /** kube's rule: the annotation says, or else whether no one edited the object since it was made. */
  private static boolean autoUpdate(ObjectNode current) {
    JsonNode a = current.path("metadata").path("annotations").path(FlowControlBootstrap.AUTOUPDATE);
    if (a.isTextual() && (a.asText().equalsIgnoreCase("true") || a.asText().equalsIgnoreCase("false"))) {
      return a.asText().equalsIgnoreCase("true");
    }
    return current.path("metadata").path("generation").asLong(1) == 1;
  }

  /** Whether {@code have} holds every field of {@code want} (the store adds defaults to what it keeps). */
  static boolean contains(JsonNode have, JsonNode want) {
    if (want.isObject()) {
      if (!have.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> i = want.fields(); i.hasNext(); ) {
        Map.Entry<String, JsonNode> e = i.next();
        if (!contains(have.path(e.getKey()), e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (want.isArray()) {
      if (!have.isArray() || have.size() != want.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!contains(have.get(i), want.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Json.sameValue(have, want);
  }

  private static String key(ObjectNode o) {
    return o.path("metadata").path("name").asText() + "@" + o.path("metadata").path("resourceVersion").asText();
  }

  /** One write at a time per key; a failure (a conflict, a race with another apiserver) waits for the next change. */
  private void write(String key, Supplier<Future<ObjectNode>> write) {
    if (!writing.add(key)) {
      return;
    }
    write.get().onComplete(ar -> {
      writing.remove(key);
      if (ar.failed()) {
        LOG.debug("flowcontrol write {} failed: {}", key, ar.cause().toString());
      }
    });
  }
}
