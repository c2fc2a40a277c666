package io.dekube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * Schemas of kinds without a built-in model (custom resources until their CRD's openAPIV3Schema is
 * served): apiVersion, kind and metadata typed, the rest open ({@code x-kubernetes-preserve-unknown-fields}).
 * Enough for kubectl to find the kind, see that the server validates fields, and explain the basics. Pure.
 */
final class CustomSchemas {

  private CustomSchemas() {
  }

  static ObjectNode object(String kind) {
    ObjectNode s = Json.object().put("description", kind + " is a custom resource.").put("type", "object");
    ObjectNode props = s.putObject("properties");
    typeMeta(props);
    metadata(props, "ObjectMeta");
    s.put("x-kubernetes-preserve-unknown-fields", true);
    return s;
  }

  /** apiVersion and kind with TypeMeta's words, as kube's CRD builder sets them. */
  private static void typeMeta(ObjectNode props) {
    props.putObject("apiVersion").put("description", "APIVersion defines the versioned schema of this representation "
        + "of an object. Servers should convert recognized schemas to the latest internal value, and may reject "
        + "unrecognized values. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources")
        .put("type", "string");
    props.putObject("kind").put("description", "Kind is a string value representing the REST resource this object "
        + "represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. "
        + "In CamelCase. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds")
        .put("type", "string");
  }

  /** metadata: a $ref with PartialObjectMetadata's words beside it (no allOf), as kube's CRD builder writes it. */
  private static void metadata(ObjectNode props, String type) {
    props.putObject("metadata").put("$ref", "#/components/schemas/" + SchemaNames.META + type)
        .put("description", "Standard object's metadata. More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
  }

  /** A CRD version's openAPIV3Schema as kube publishes it: apiVersion, kind and metadata typed in. */
  static ObjectNode fromCrd(String kind, com.fasterxml.jackson.databind.JsonNode openApiV3Schema) {
    ObjectNode s = openApiV3Schema.deepCopy();
    ObjectNode props = s.get("properties") instanceof ObjectNode o ? o : s.putObject("properties");
    ObjectNode base = object(kind);
    ObjectNode baseProps = (ObjectNode) base.get("properties");
    props.set("apiVersion", baseProps.get("apiVersion"));
    props.set("kind", baseProps.get("kind"));
    props.set("metadata", baseProps.get("metadata"));
    s.put("type", "object");
    return s;
  }


  static ObjectNode list(String kind, String itemSchema) {
    ObjectNode s = Json.object().put("description", kind + "List is a list of " + kind).put("type", "object");
    ObjectNode props = s.putObject("properties");
    typeMeta(props);
    ObjectNode items = props.putObject("items").put("type", "array");
    items.putObject("items").put("$ref", "#/components/schemas/" + itemSchema);
    metadata(props, "ListMeta");
    s.putArray("required").add("items");
    return s;
  }
}
