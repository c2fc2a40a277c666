package io.dekube.apiserver.flowcontrol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FlowSchemas and PriorityLevelConfigurations as APF acts on them, digested once per change: the
 * schemas in matching order (precedence, then name) without the dangling ones (whose level does not
 * exist), and the levels with their nominal seats out of the server's limit. Where the mandatory
 * {@code exempt} or {@code catch-all} objects are missing, kube's own definitions stand in, as kube's
 * controller does. Immutable; pure.
 */
public record FlowControlConfig(List<Schema> schemas, Map<String, Level> levels) {

  /** kube-apiserver's default {@code --max-requests-inflight} 400 + {@code --max-mutating-requests-inflight} 200. */
  public static final int SERVER_CONCURRENCY_LIMIT = 600;
  static final String EXEMPT = "exempt";
  static final String CATCH_ALL = "catch-all";

  /** A FlowSchema as classification needs it. */
  public record Schema(String name, String uid, int precedence, String level, String distinguisher,
                       List<PolicyRulesWithSubjects> rules) {
  }

  /**
   * A priority level: exempt, or limited with its nominal shares, lendable and borrowing percents and
   * its queuing ({@code queues == 0}: {@code limitResponse: Reject}).
   */
  public record Level(String name, String uid, boolean exempt, int shares, int lendablePercent,
                      Integer borrowingLimitPercent, int queues, int handSize, int queueLengthLimit) {
  }

  /** The request's FlowSchema, priority level and flow distinguisher. */
  public record Match(Schema schema, Level level, String distinguisher) {
  }

  /** Digests the stored objects. */
  public static FlowControlConfig of(List<ObjectNode> flowSchemas, List<ObjectNode> priorityLevels) {
    Map<String, Level> levels = new LinkedHashMap<>();
    for (ObjectNode pl : priorityLevels) {
      Level l = level(pl);
      levels.put(l.name(), l);
    }
    List<ObjectNode> defaults = FlowControlBootstrap.objects();
    for (ObjectNode o : defaults) {
      String name = o.path("metadata").path("name").asText();
      boolean mandatory = name.equals(EXEMPT) || name.equals(CATCH_ALL);
      if (mandatory && o.path("kind").asText().equals("PriorityLevelConfiguration") && !levels.containsKey(name)) {
        levels.put(name, level(o));
      }
    }
    List<Schema> schemas = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ObjectNode fs : flowSchemas) {
      Schema s = schema(fs);
      names.add(s.name());
      if (levels.containsKey(s.level())) {
        schemas.add(s);
      }
    }
    for (ObjectNode o : defaults) {
      String name = o.path("metadata").path("name").asText();
      if ((name.equals(EXEMPT) || name.equals(CATCH_ALL)) && o.path("kind").asText().equals("FlowSchema")
          && !names.contains(name)) {
        schemas.add(schema(o));
      }
    }
    schemas.sort(Comparator.comparingInt(Schema::precedence).thenComparing(Schema::name));
    return new FlowControlConfig(List.copyOf(schemas), Map.copyOf(levels));
  }

  /** Whether a FlowSchema's level is missing (kube's {@code Dangling} condition). */
  public boolean dangling(ObjectNode flowSchema) {
    return !levels.containsKey(flowSchema.path("spec").path("priorityLevelConfiguration").path("name").asText());
  }

  /**
   * The first FlowSchema that matches the request, its level and the flow's distinguisher; {@code catch-all}
   * when none does.
   */
  public Match classify(Attributes a) {
    for (Schema s : schemas) {
      if (FlowSchemaMatching.matches(s.rules(), a)) {
        return new Match(s, levels.get(s.level()), distinguisher(s, a));
      }
    }
    Schema catchAll = schemas.stream().filter(s -> s.name().equals(CATCH_ALL)).findFirst().orElseThrow();
    return new Match(catchAll, levels.get(catchAll.level()), distinguisher(catchAll, a));
  }

  private static String distinguisher(Schema s, Attributes a) {
    if (s.distinguisher() == null) {
      return "";
    }
    return switch (s.distinguisher()) {
      case "ByUser" -> a.user().name();
      case "ByNamespace" -> a.resourceRequest() ? a.namespace() : "";
      default -> "";
    };
  }

  /**
   * Each level's nominal seats: the server's limit shared by nominal concurrency shares, rounded up, as
   * kube computes {@code NominalCL}.
   */
  public Map<String, Integer> nominalLimits(int serverLimit) {
    double sum = 0;
    for (Level l : levels.values()) {
      sum += l.shares();
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Level l : levels.values()) {
      out.put(l.name(), sum == 0 ? 0 : (int) Math.ceil(serverLimit * l.shares() / sum));
    }
    return out;
  }

  private static Schema schema(ObjectNode fs) {
    JsonNode spec = fs.path("spec");
    FlowSchema typed = Typed.from(fs, FlowSchema.class);
    List<PolicyRulesWithSubjects> rules = typed.getSpec() == null || typed.getSpec().getRules() == null
        ? List.of() : List.copyOf(typed.getSpec().getRules());
    JsonNode d = spec.path("distinguisherMethod").path("type");
    return new Schema(fs.path("metadata").path("name").asText(), fs.path("metadata").path("uid").asText(""),
        spec.path("matchingPrecedence").asInt(1000), spec.path("priorityLevelConfiguration").path("name").asText(),
        d.isTextual() ? d.asText() : null, rules);
  }

  private static Level level(ObjectNode pl) {
    JsonNode spec = pl.path("spec");
    String name = pl.path("metadata").path("name").asText();
    String uid = pl.path("metadata").path("uid").asText("");
    if (spec.path("type").asText().equals("Exempt")) {
      JsonNode e = spec.path("exempt");
      return new Level(name, uid, true, e.path("nominalConcurrencyShares").asInt(0),
          e.path("lendablePercent").asInt(0), null, 0, 0, 0);
    }
    JsonNode l = spec.path("limited");
    JsonNode borrowing = l.path("borrowingLimitPercent");
    JsonNode q = l.path("limitResponse").path("queuing");
    boolean queued = l.path("limitResponse").path("type").asText().equals("Queue");
    return new Level(name, uid, false, l.path("nominalConcurrencyShares").asInt(30), l.path("lendablePercent").asInt(0),
        borrowing.isNumber() ? borrowing.asInt() : null, queued ? q.path("queues").asInt(64) : 0,
        queued ? q.path("handSize").asInt(8) : 0, queued ? q.path("queueLengthLimit").asInt(50) : 0);
  }
}
