package io.dekube.apiserver.rest.select;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.informer.FieldSelector;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field selectors each kind supports and how their values read from an object, as
 * kube-apiserver registers them ({@code metadata.name} and {@code metadata.namespace} for every
 * kind; {@code spec.nodeName}, {@code status.phase}... for pods; {@code involvedObject.*} for
 * events). An unsupported field is a 400 BadRequest with kube's message. Pure.
 */
public final class FieldLabels {

  private static final Set<String> META = Set.of("metadata.name", "metadata.namespace");
  private static final Map<String, Set<String>> BY_RESOURCE = Map.of(
      // spec.host: what v1.0 clients sent, kube's conversion reads it as spec.nodeName
      "pods", Set.of("spec.nodeName", "spec.host", "spec.restartPolicy", "spec.schedulerName",
          "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
          "status.nominatedNodeName"),
      "events", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
      "secrets", Set.of("type"),
      "namespaces", Set.of("status.phase"),
      "nodes", Set.of("spec.unschedulable"),
      "replicasets.apps", Set.of("status.replicas"),
      "replicationcontrollers", Set.of("status.replicas"),
      "services", Set.of("spec.clusterIP", "spec.type"),
      "jobs.batch", Set.of("status.successful"),
      "certificatesigningrequests.certificates.k8s.io", Set.of("spec.signerName"));
  /**
   * Cluster-scoped kinds whose conversion function, unlike the default one, names only
   * {@code metadata.name}: kube answers {@code field label not supported: metadata.namespace}.
   */
  private static final Set<String> NO_NAMESPACE_FIELD = Set.of("nodes", "namespaces",
      "certificatesigningrequests.certificates.k8s.io");
  /** Boolean fields that read "false" when absent, as Go's zero value prints. */
  private static final Set<String> BOOLEANS = Set.of("spec.hostNetwork", "spec.unschedulable");
  /** Counters kube formats with strconv.Itoa: "0" when absent. */
  private static final Set<String> COUNTERS = Set.of("status.replicas", "status.successful");

  /**
   * The fields of {@code events.k8s.io} Events and the core/v1 fields they select, as kube's
   * events/v1 conversion maps them (the Event is stored once, as core/v1).
   */
  private static final Map<String, String> EVENTS_V1 = Map.ofEntries(
      Map.entry("reason", "reason"), Map.entry("regarding.kind", "involvedObject.kind"),
      Map.entry("regarding.namespace", "involvedObject.namespace"), Map.entry("regarding.name", "involvedObject.name"),
      Map.entry("regarding.uid", "involvedObject.uid"), Map.entry("regarding.apiVersion", "involvedObject.apiVersion"),
      Map.entry("regarding.resourceVersion", "involvedObject.resourceVersion"),
      Map.entry("regarding.fieldPath", "involvedObject.fieldPath"),
      Map.entry("reportingController", "reportingComponent"), Map.entry("source", "source"),
      Map.entry("type", "type"), Map.entry("metadata.namespace", "metadata.namespace"),
      Map.entry("metadata.name", "metadata.name"));

  private FieldLabels() {
  }

  /**
   * A selector in the stored kind's field names: {@code events.k8s.io} Events' {@code regarding.name}
   * becomes {@code involvedObject.name}; other groups' selectors are as they came.
   *
   * @param group the API group the request addressed
   * @throws StatusException 400 BadRequest naming a field {@code events.k8s.io} does not select
   */
  public static FieldSelector convert(ResourceType type, String group, FieldSelector selector) {
    if (!"events.k8s.io".equals(group) || !type.resourceName().equals("events")) {
      return selector;
    }
    List<FieldSelector.Requirement> out = new ArrayList<>();
    for (FieldSelector.Requirement req : selector.requirements()) {
      String stored = EVENTS_V1.get(req.field());
      if (stored == null) {
        throw StatusException.badRequest("field label not supported: " + req.field());
      }
      out.add(new FieldSelector.Requirement(stored, req.equals(), req.value()));
    }
    return FieldSelector.of(out);
  }

  /**
   * Checks that a kind supports every field a selector uses.
   *
   * @throws StatusException 400 BadRequest naming the first unsupported field
   */
  public static void check(ResourceType type, List<String> fields) {
    Set<String> extra = BY_RESOURCE.get(type.resourceName());
    String name = type.resourceName();
    for (String f : fields) {
      boolean meta = f.equals("metadata.name") || META.contains(f) && !NO_NAMESPACE_FIELD.contains(name);
      if (meta || extra != null && extra.contains(f)) {
        continue;
      }
      if (name.equals("jobs.batch")) {
        // batch/v1's own conversion function words it so
        throw StatusException.badRequest("field label \"" + f + "\" not supported for Job");
      }
      if (extra != null) {
        throw StatusException.badRequest("field label not supported: " + f);
      }
      throw StatusException.badRequest("\"" + f + "\" is not a known field selector: only \"metadata.name\", "
          + "\"metadata.namespace\"");
    }
  }

  /**
   * Checks a custom kind's selector as kube's custom resource converter does: {@code metadata.name},
   * {@code metadata.namespace} of a namespaced kind, and the served version's {@code selectableFields}
   * (their jsonPath without the leading dot, {@code spec.color}).
   *
   * @throws StatusException 400 BadRequest {@code field label not supported: <field>}
   */
  public static void checkCustom(ResourceType type, List<String> selectable, List<String> fields) {
    for (String f : fields) {
      boolean ok = f.equals("metadata.name") || type.namespaced() && f.equals("metadata.namespace")
          || selectable.stream().anyMatch(p -> p.equals("." + f));
      if (!ok) {
        throw StatusException.badRequest("field label not supported: " + f);
      }
    }
  }

  /**
   * The value of a custom kind's selectable field as kube's custom resource strategy gives it: a
   * string as is, a boolean or an integer in Go's formatting ({@code true}, {@code 42}); "" when absent.
   */
  public static String customValue(JsonNode object, String field) {
    JsonNode n = object;
    for (String part : field.split("\\.")) {
      n = n.path(part);
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean() || n.isIntegralNumber()) {
      return n.asText();
    }
    return "";
  }

  /** The value of a supported field of an object, "" when absent. */
  public static String value(JsonNode object, String field) {
    String path = switch (field) {
      case "source" -> "source.component";
      case "status.podIPs" -> "status.podIP";
      case "spec.host" -> "spec.nodeName";
      case "status.successful" -> "status.succeeded";
      default -> field;
    };
    JsonNode n = object;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    if (n.isMissingNode() || n.isNull()) {
      return BOOLEANS.contains(field) ? "false" : COUNTERS.contains(field) ? "0" : "";
    }
    return n.isValueNode() ? n.asText() : "";
  }
}
