package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities;
import io.dekube.core.quota.Quantities.Amount;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's {@code resources}, as kube 1.32's {@code ValidateContainerResourceRequirements}: each name of
 * {@code limits} and {@code requests} a standard resource for containers ({@code cpu}, {@code memory},
 * {@code ephemeral-storage}, {@code hugepages-*}) or an extended one ({@code example.com/dongle}), each quantity not
 * negative (an extended resource's a whole number), and a request at most its limit — an extended resource's (which
 * cannot be overcommitted) equal to it, and never without one. So a LimitRange's {@code default} below a container's
 * request is refused as kube refuses it: {@code spec.containers[0].resources.requests: Invalid value: "700m": must be
 * less than or equal to cpu limit of 500m}. Checked on the spec as the defaults and the LimitRanger left it; the
 * errors follow the order of the lists (Go's map order is random). Not built: hugepages' own rules (a hugepage
 * request needs cpu or memory, limits equal to requests) and the {@code claims} of dynamic resource allocation. Pure.
 */
final class ContainerResourcesValidation {

  /** kube's standardResources (IsStandardResourceName, hugepages apart). */
  private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage",
      "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
      "limits.ephemeral-storage", "pods", "quota", "services", "replicationcontrollers", "resourcequotas", "secrets",
      "persistentvolumeclaims", "configmaps", "storage", "requests.storage", "services.nodeports",
      "services.loadbalancers");

  private ContainerResourcesValidation() {
  }

  /** Validates {@code container.resources}, found at {@code path} (e.g. {@code spec.containers[0]}). */
  static void validate(ObjectNode container, String path, FieldErrors errs) {
    JsonNode resources = container.path("resources");
    String limPath = path + ".resources.limits";
    String reqPath = path + ".resources.requests";
    JsonNode limits = resources.path("limits");
    for (Map.Entry<String, JsonNode> e : limits.properties()) {
      item(e.getKey(), e.getValue(), limPath + "[" + e.getKey() + "]", errs);
    }
    for (Map.Entry<String, JsonNode> e : resources.path("requests").properties()) {
      String name = e.getKey();
      Amount request = item(name, e.getValue(), reqPath + "[" + name + "]", errs);
      Amount limit = Quantities.parse(limits.get(name));
      boolean overcommit = overcommitAllowed(name);
      if (request == null) {
        continue;
      }
      if (limit != null) {
        if (!overcommit && request.compareTo(limit) != 0) {
          errs.invalid(reqPath, request.toString(), "must be equal to " + name + " limit of " + limit);
        } else if (request.compareTo(limit) > 0) {
          errs.invalid(reqPath, request.toString(), "must be less than or equal to " + name + " limit of " + limit);
        }
      } else if (!overcommit) {
        errs.required(limPath, "Limit must be set for non overcommitable resources");
      }
    }
  }

  /** One name and quantity of a list: its name's errors and its value's; the amount, or null when it is none. */
  private static Amount item(String name, JsonNode value, String path, FieldErrors errs) {
    name(name, path, errs);
    Amount a = Quantities.parse(value);
    if (a == null) {
      return null; // not a quantity: the decoder refuses the body before validation
    }
    if (a.value().signum() < 0) {
      errs.invalid(path, a.toString(), "must be greater than or equal to 0");
    }
    if (extended(name) && a.value().stripTrailingZeros().scale() > 0) {
      errs.invalid(path, a.toString(), "must be an integer");
    }
    return a;
  }

  /** kube's validateContainerResourceName. */
  private static void name(String name, String path, FieldErrors errs) {
    List<String> qualified = Validators.qualifiedName(name);
    if (!qualified.isEmpty()) {
      qualified.forEach(m -> errs.invalid(path, name, m));
      return;
    }
    if (!name.contains("/")) {
      if (!STANDARD.contains(name) && !name.startsWith("hugepages-") && !name.startsWith("requests.hugepages-")) {
        errs.invalid(path, name, "must be a standard resource type or fully qualified");
      }
      if (!containerResource(name)) {
        errs.invalid(path, name, "must be a standard resource for containers");
      }
    } else if (!nativeResource(name) && !extended(name)) {
      errs.invalid(path, name, "doesn't follow extended resource name standard");
    }
  }

  private static boolean containerResource(String name) {
    return name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage")
        || name.startsWith("hugepages-");
  }

  /** kube's IsNativeResource: no domain, or one in kubernetes.io. */
  private static boolean nativeResource(String name) {
    return !name.contains("/") || name.contains("kubernetes.io/");
  }

  /** kube's IsExtendedResourceName: not native, not a quota's {@code requests.}, and {@code requests.NAME} qualified. */
  private static boolean extended(String name) {
    return !nativeResource(name) && !name.startsWith("requests.") && Validators.qualifiedName("requests." + name).isEmpty();
  }

  /** kube's IsOvercommitAllowed: native resources but hugepages. */
  private static boolean overcommitAllowed(String name) {
    return nativeResource(name) && !name.startsWith("hugepages-");
  }
}
