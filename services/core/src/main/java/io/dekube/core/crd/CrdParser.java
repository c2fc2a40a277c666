package io.dekube.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stored {@code apiextensions.k8s.io/v1} CustomResourceDefinition into the {@link CustomKind}
 * it serves, and tells whether it is to be served ({@code Established=True}, not being deleted past
 * its instances). Pure.
 */
public final class CrdParser {

  /** The CRD resource's bus name. */
  public static final String CRDS = "customresourcedefinitions.apiextensions.k8s.io";

  private CrdParser() {
  }

  /** The kind a (valid) CRD defines. */
  public static CustomKind kind(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    // served by the names the naming controller accepted (kube's handler and discovery read
    // status.acceptedNames); before any are, by the requested ones
    JsonNode accepted = crd.path("status").path("acceptedNames");
    JsonNode names = accepted.path("kind").asText("").isEmpty() ? spec.path("names") : accepted;
    String plural = spec.path("names").path("plural").asText();
    String kind = names.path("kind").asText();
    String singular = names.path("singular").asText("");
    List<CustomKind.Version> versions = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      JsonNode sub = v.path("subresources");
      JsonNode scale = sub.path("scale");
      versions.add(new CustomKind.Version(v.path("name").asText(), v.path("served").asBoolean(false),
          v.path("storage").asBoolean(false), v.path("schema").get("openAPIV3Schema"), v.get("additionalPrinterColumns"),
          sub.has("status"), scale.isObject() ? new CustomKind.Scale(scale.path("specReplicasPath").asText(),
          scale.path("statusReplicasPath").asText(), scale.path("labelSelectorPath").asText(null)) : null,
          v.path("selectableFields").findValuesAsText("jsonPath")));
    }
    CustomKind.Version storage = versions.stream().filter(CustomKind.Version::storage).findFirst()
        .orElse(versions.get(0));
    List<String> subresources = storage.subresources();
    ResourceType type = new ResourceType(spec.path("group").asText(), storage.name(), plural,
        singular.isEmpty() ? kind.toLowerCase() : singular, kind, "Namespaced".equals(spec.path("scope").asText()),
        strings(names.path("shortNames")), strings(names.path("categories")), subresources);
    String listKind = names.path("listKind").asText("");
    JsonNode conversion = spec.path("conversion");
    JsonNode webhook = conversion.path("webhook");
    CustomKind.Conversion c = "Webhook".equals(conversion.path("strategy").asText())
        ? new CustomKind.Conversion("Webhook", webhook.get("clientConfig"), strings(webhook.path("conversionReviewVersions")))
        : CustomKind.Conversion.NONE;
    return new CustomKind(type, listKind.isEmpty() ? kind + "List" : listKind, versions, c);
  }

  /** Whether the CRD's {@code Established} condition is True. */
  public static boolean established(JsonNode crd) {
    return conditionTrue(crd, "Established");
  }

  /** Whether a status condition is True. */
  public static boolean conditionTrue(JsonNode crd, String type) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  /** {@code <plural>.<group>}: the bus name of the served resource, which is also the CRD's name. */
  public static String resourceName(ObjectNode crd) {
    return crd.path("spec").path("names").path("plural").asText() + "." + crd.path("spec").path("group").asText();
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }
}
