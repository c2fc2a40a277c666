package io.dekube.apiserver.flowcontrol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The priority-and-fairness objects kube-apiserver ensures at start ({@code bootstrap.yaml} beside this
 * class): the mandatory {@code exempt} and {@code catch-all} FlowSchemas and PriorityLevelConfigurations
 * and the suggested ones, with kube's {@code apf.kubernetes.io/autoupdate-spec: "true"} annotation and,
 * on each new FlowSchema, the {@code Dangling=False} condition kube's APF controller sets (so
 * {@code kubectl get flowschemas} shows {@code MISSINGPL False}). An existing object is left alone here;
 * {@link FlowControlConfigController} puts back deleted and edited ones while the apiserver runs. Runs on
 * the caller's context, never blocks; idempotent.
 */
public final class FlowControlBootstrap {

  static final String GROUP = "flowcontrol.apiserver.k8s.io";
  static final String AUTOUPDATE = "apf.kubernetes.io/autoupdate-spec";

  private FlowControlBootstrap() {
  }

  private static final List<ObjectNode> OBJECTS = load();

  /** The bootstrap PriorityLevelConfigurations, then FlowSchemas, as kube-apiserver writes them (copies). */
  static List<ObjectNode> objects() {
    return OBJECTS.stream().map(ObjectNode::deepCopy).toList();
  }

  private static List<ObjectNode> load() {
    JsonNode doc;
    try (InputStream in = FlowControlBootstrap.class.getResourceAsStream("bootstrap.yaml")) {
      doc = Json.YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode pl : doc.path("priorityLevels")) {
      out.add(object("PriorityLevelConfiguration", pl));
    }
    for (JsonNode fs : doc.path("flowSchemas")) {
      ObjectNode o = object("FlowSchema", fs);
      for (JsonNode rule : o.path("spec").path("rules")) {
        if (rule.path("all").asBoolean(false)) {
          ObjectNode r = (ObjectNode) rule;
          r.remove("all");
          r.putArray("resourceRules").addObject().<ObjectNode>set("verbs", all()).<ObjectNode>set("apiGroups", all())
              .<ObjectNode>set("resources", all()).put("clusterScope", true).set("namespaces", all());
          r.putArray("nonResourceRules").addObject().<ObjectNode>set("verbs", all()).set("nonResourceURLs", all());
        }
      }
      out.add(o);
    }
    return out;
  }

  private static ArrayNode all() {
    return Json.MAPPER.createArrayNode().add("*");
  }

  private static ObjectNode object(String kind, JsonNode entry) {
    ObjectNode o = Json.object().put("apiVersion", GROUP + "/v1").put("kind", kind);
    Json.metadata(o).put("name", entry.path("name").asText()).putObject("annotations").put(AUTOUPDATE, "true");
    o.set("spec", entry.path("spec").deepCopy());
    return o;
  }

  /**
   * kube-apiserver's APF writes carry the field managers of its two halves: the producer that keeps the
   * mandatory and suggested objects, the consumer (the filter's config controller) that writes their status.
   */
  static final WriteOptions AS_PRODUCER =
      WriteOptions.none().withFieldManager("api-priority-and-fairness-config-producer-v1");
  static final WriteOptions AS_CONSUMER =
      WriteOptions.none().withFieldManager("api-priority-and-fairness-config-consumer-v1");

  /** Creates the objects that do not exist yet. */
  public static Future<Void> ensure(StoreApi store, ResourceRegistry registry) {
    ResourceType levels = registry.byGroupPlural(GROUP, "prioritylevelconfigurations").orElseThrow();
    ResourceType schemas = registry.byGroupPlural(GROUP, "flowschemas").orElseThrow();
    List<Future<Void>> all = new ArrayList<>();
    for (ObjectNode o : objects()) {
      boolean schema = o.path("kind").asText().equals("FlowSchema");
      all.add(create(store, schema ? schemas : levels, o));
    }
    return Future.all(all).mapEmpty();
  }

  private static Future<Void> create(StoreApi store, ResourceType type, ObjectNode o) {
    Future<ObjectNode> created = store.create(type, "", o, AS_PRODUCER);
    if (type.kind().equals("FlowSchema")) {
      created = created.compose(fs -> store.updateStatus(type, withFoundCondition(fs), AS_CONSUMER));
    }
    return created.<Void>mapEmpty().recover(e -> e instanceof StatusException s && s.code() == 409
        ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** The {@code Dangling=False} condition of a FlowSchema whose priority level exists. */
  static ObjectNode withFoundCondition(ObjectNode fs) {
    ObjectNode copy = fs.deepCopy();
    String level = fs.path("spec").path("priorityLevelConfiguration").path("name").asText();
    String now = fs.path("metadata").path("creationTimestamp").asText(java.time.Instant.now().toString());
    copy.putObject("status").putArray("conditions").addObject().put("type", "Dangling").put("status", "False")
        .put("lastTransitionTime", now).put("reason", "Found")
        .put("message", "This FlowSchema references the PriorityLevelConfiguration object named \"" + level
            + "\" and it exists");
    return copy;
  }
}
