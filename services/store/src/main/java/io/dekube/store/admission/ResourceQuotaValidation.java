package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities;
import io.dekube.core.quota.Quantities.Amount;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * ResourceQuota objects, validated as kube does with its 422 wording: {@code spec.hard} names a
 * standard quota resource or a qualified one ({@code count/...}, {@code requests.example.com/gpu}),
 * with a non-negative quantity (whole for object counts); {@code scopes} and
 * {@code scopeSelector} use known scopes, only with the resources those scopes can limit, never
 * BestEffort with NotBestEffort nor Terminating with NotTerminating; In/NotIn selectors have values,
 * Exists/DoesNotExist none.
 */
final class ResourceQuotaValidation implements KindAdmission {

  private static final Set<String> COMPUTE = Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
      "limits.memory");
  private static final Set<String> COUNTS = Set.of("pods", "services", "replicationcontrollers", "resourcequotas",
      "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
  private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
      "requests.memory", "requests.ephemeral-storage", "requests.storage", "limits.cpu", "limits.memory",
      "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
      "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
  private static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
      "PriorityClass", "CrossNamespacePodAffinity");

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    CanonicalQuantities.list(obj.path("spec").get("hard"));
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    TreeSet<String> hard = new TreeSet<>();
    spec.path("hard").fieldNames().forEachRemaining(hard::add);
    for (String name : hard) {
      hardValue("spec.hard[" + name + "]", name, spec.path("hard").get(name), errs);
    }
    List<String> scopes = new ArrayList<>();
    spec.path("scopes").forEach(s -> scopes.add(s.asText()));
    String rendered = goScopes(scopes);
    for (String scope : scopes) {
      if (!SCOPES.contains(scope)) {
        errs.invalidRendered("spec.scopes", rendered, "unsupported scope");
      }
      if (!scopeFits(scope, hard)) {
        errs.invalidRendered("spec.scopes", rendered, "unsupported scope applied to resource");
      }
    }
    if (scopes.containsAll(List.of("BestEffort", "NotBestEffort"))
        || scopes.containsAll(List.of("Terminating", "NotTerminating"))) {
      errs.invalidRendered("spec.scopes", rendered, "conflicting scopes");
    }
    int i = 0;
    for (JsonNode req : spec.path("scopeSelector").path("matchExpressions")) {
      selector("spec.scopeSelector.matchExpressions[" + i++ + "]", req, hard, errs);
    }
  }

  private static void hardValue(String path, String name, JsonNode value, FieldErrors errs) {
    if (!STANDARD.contains(name) && !name.contains("/") && !name.startsWith("hugepages-")
        && !name.startsWith("requests.hugepages-")) {
      errs.invalid(path, name, "must be a standard resource for quota");
    }
    Amount a = Quantities.parse(value);
    if (a == null) {
      errs.invalid(path, value.asText(), "must be a valid quantity");
    } else if (a.value().signum() < 0) {
      errs.invalid(path, a.toString(), "must be greater than or equal to 0");
    } else if ((COUNTS.contains(name) || name.startsWith("count/")) && a.value().stripTrailingZeros().scale() > 0) {
      errs.invalid(path, a.toString(), "must be an integer");
    }
  }

  private static void selector(String path, JsonNode req, Set<String> hard, FieldErrors errs) {
    String scope = req.path("scopeName").asText("");
    if (!SCOPES.contains(scope)) {
      errs.invalid(path + ".scopeName", scope, "unsupported scope");
    } else if (!scopeFits(scope, hard)) {
      errs.invalidRendered(path, "core.ScopedResourceSelectorRequirement{ScopeName:\"" + scope + "\"}",
          "unsupported scope applied to resource");
    }
    String op = req.path("operator").asText("");
    int values = req.path("values").size();
    switch (op) {
      case "In", "NotIn" -> {
        if (values == 0) {
          errs.required(path + ".values", "must be at least one value when `operator` is 'In' or 'NotIn' for scope "
              + "selector");
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (values != 0) {
          errs.invalid(path + ".values", req.path("values"), "must be no value when `operator` is 'Exist' or "
              + "'DoesNotExist' for scope selector");
        }
      }
      default -> errs.notSupported(path + ".operator", req.path("operator"), List.of("DoesNotExist", "Exists",
          "In", "NotIn"));
    }
  }

  /** Whether every standard resource of {@code hard} is one {@code scope} can limit. */
  private static boolean scopeFits(String scope, Set<String> hard) {
    for (String r : hard) {
      if (!STANDARD.contains(r)) {
        continue;
      }
      boolean ok = switch (scope) {
        case "BestEffort" -> r.equals("pods");
        case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity" ->
            r.equals("pods") || COMPUTE.contains(r);
        default -> true;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String goScopes(List<String> scopes) {
    StringJoiner j = new StringJoiner(", ", "[]core.ResourceQuotaScope{", "}");
    scopes.forEach(s -> j.add("\"" + s + "\""));
    return j.toString();
  }
}
