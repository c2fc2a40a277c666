package io.dekube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * The {@code paths} of a group-version document: for every resource its collection, object,
 * all-namespaces and subresource paths, with the operations, parameters (notably
 * {@code fieldValidation}, which kubectl looks for before it trusts the server to validate) and
 * {@code x-kubernetes-group-version-kind}/{@code x-kubernetes-action} extensions kube-apiserver
 * writes. Pure.
 */
final class OpenApiPaths {

  private static final String[] MEDIA = {"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"};
  private static final String[] PATCH_MEDIA = {"application/json-patch+json", "application/merge-patch+json",
      "application/strategic-merge-patch+json", "application/apply-patch+yaml"};

  /** One served resource of the document. */
  record Resource(String group, String version, String plural, String kind, boolean namespaced,
                  String schemaName, String listSchemaName, boolean status, boolean scale) {
  }

  private OpenApiPaths() {
  }

  static void add(ObjectNode paths, Resource r) {
    String prefix = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
    String gvName = gvName(r.group(), r.version());
    String scope = r.namespaced() ? "Namespaced" : "";
    String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
    String item = collection + "/{name}";
    String tag = gvName.substring(0, 1).toLowerCase() + gvName.substring(1);

    ObjectNode coll = pathItem(paths, collection, r.namespaced(), false);
    coll.set("get", op(r, tag, "list" + gvName + scope + r.kind(), "list or watch objects of kind " + r.kind(),
        "list", r.listSchemaName(), listParams(), false, 200));
    coll.set("post", op(r, tag, "create" + gvName + scope + r.kind(), "create a " + r.kind(), "post",
        r.schemaName(), writeParams(false), true, 201));
    coll.set("delete", op(r, tag, "deletecollection" + gvName + scope + r.kind(),
        "delete collection of " + r.kind(), "deletecollection", "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        listParams(), false, 200));

    ObjectNode obj = pathItem(paths, item, r.namespaced(), true);
    obj.set("get", op(r, tag, "read" + gvName + scope + r.kind(), "read the specified " + r.kind(), "get",
        r.schemaName(), Json.MAPPER.createArrayNode(), false, 200));
    obj.set("put", op(r, tag, "replace" + gvName + scope + r.kind(), "replace the specified " + r.kind(), "put",
        r.schemaName(), writeParams(false), true, 200));
    obj.set("patch", patchOp(r, tag, "patch" + gvName + scope + r.kind(), r.schemaName(), r.kind()));
    obj.set("delete", op(r, tag, "delete" + gvName + scope + r.kind(), "delete a " + r.kind(), "delete",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", deleteParams(), false, 200));

    if (r.namespaced()) {
      ObjectNode all = pathItem(paths, prefix + "/" + r.plural(), false, false);
      all.set("get", op(r, tag, "list" + gvName + r.kind() + "ForAllNamespaces",
          "list or watch objects of kind " + r.kind(), "list", r.listSchemaName(), listParams(), false, 200));
    }
    if (r.status()) {
      ObjectNode st = pathItem(paths, item + "/status", r.namespaced(), true);
      st.set("get", op(r, tag, "read" + gvName + scope + r.kind() + "Status", "read status of the specified "
          + r.kind(), "get", r.schemaName(), Json.MAPPER.createArrayNode(), false, 200));
      st.set("put", op(r, tag, "replace" + gvName + scope + r.kind() + "Status", "replace status of the specified "
          + r.kind(), "put", r.schemaName(), writeParams(false), true, 200));
      st.set("patch", patchOp(r, tag, "patch" + gvName + scope + r.kind() + "Status", r.schemaName(), r.kind()));
    }
    if (r.scale()) {
      Resource scale = new Resource("autoscaling", "v1", r.plural(), "Scale", r.namespaced(),
          "io.k8s.api.autoscaling.v1.Scale", null, false, false);
      ObjectNode sc = pathItem(paths, item + "/scale", r.namespaced(), true);
      sc.set("get", op(scale, tag, "read" + gvName + scope + r.kind() + "Scale", "read scale of the specified "
          + r.kind(), "get", scale.schemaName(), Json.MAPPER.createArrayNode(), false, 200));
      sc.set("put", op(scale, tag, "replace" + gvName + scope + r.kind() + "Scale", "replace scale of the specified "
          + r.kind(), "put", scale.schemaName(), writeParams(false), true, 200));
      sc.set("patch", patchOp(scale, tag, "patch" + gvName + scope + r.kind() + "Scale", scale.schemaName(), "Scale"));
    }
  }

  /** {@code CoreV1}, {@code AppsV1}, {@code NetworkingV1}, {@code RbacAuthorizationV1}. */
  static String gvName(String group, String version) {
    String g = group.isEmpty() ? "core" : group.replace(".k8s.io", "");
    StringBuilder sb = new StringBuilder();
    for (String part : g.split("[.-]")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString() + Character.toUpperCase(version.charAt(0)) + version.substring(1);
  }

  private static ObjectNode pathItem(ObjectNode paths, String path, boolean namespaced, boolean named) {
    ObjectNode item = paths.putObject(path);
    ArrayNode params = item.putArray("parameters");
    if (named) {
      params.add(param("name", "path", "name of the object", true));
    }
    if (namespaced) {
      params.add(param("namespace", "path", "object name and auth scope, such as for teams and projects", true));
    }
    params.add(param("pretty", "query", "If 'true', then the output is pretty printed.", false));
    return item;
  }

  private static ObjectNode op(Resource r, String tag, String id, String description, String action, String schema,
                               ArrayNode params, boolean body, int code) {
    ObjectNode op = Json.object();
    op.putArray("tags").add(tag);
    op.put("description", description);
    op.put("operationId", id);
    if (!params.isEmpty()) {
      op.set("parameters", params);
    }
    if (body) {
      ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content");
      for (String m : new String[] {"*/*"}) {
        content.putObject(m).set("schema", ModelSchemas.ref(schema));
      }
    }
    ObjectNode responses = op.putObject("responses");
    response(responses, "200", schema);
    if (code == 201) {
      response(responses, "201", schema);
      response(responses, "202", schema);
    }
    responses.putObject("401").put("description", "Unauthorized");
    op.put("x-kubernetes-action", action);
    gvk(op, r.group(), r.version(), r.kind());
    return op;
  }

  private static ObjectNode patchOp(Resource r, String tag, String id, String schema, String kind) {
    ObjectNode op = op(r, tag, id, "partially update the specified " + kind, "patch", schema, writeParams(true), false, 200);
    ObjectNode content = Json.object();
    for (String m : PATCH_MEDIA) {
      content.putObject(m).set("schema", ModelSchemas.ref(SchemaNames.PATCH));
    }
    ObjectNode body = Json.object().put("required", true);
    body.set("content", content);
    op.set("requestBody", body);
    response((ObjectNode) op.get("responses"), "201", schema);
    return op;
  }

  private static void response(ObjectNode responses, String code, String schema) {
    ObjectNode content = responses.putObject(code).put("description", code.equals("201") ? "Created"
        : code.equals("202") ? "Accepted" : "OK").putObject("content");
    for (String m : MEDIA) {
      content.putObject(m).set("schema", ModelSchemas.ref(schema));
    }
  }

  static void gvk(ObjectNode target, String group, String version, String kind) {
    target.putObject("x-kubernetes-group-version-kind").put("group", group).put("kind", kind).put("version", version);
  }

  private static ArrayNode writeParams(boolean patch) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.add(param("dryRun", "query", "When present, indicates that modifications should not be persisted. An invalid or "
        + "unrecognized dryRun directive will result in an error response and no further processing of the request. "
        + "Valid values are: - All: all dry run stages will be processed", false));
    a.add(param("fieldManager", "query", "fieldManager is a name associated with the actor or entity that is making "
        + "these changes. The value must be less than or 128 characters long, and only contain printable characters, "
        + "as defined by https://golang.org/pkg/unicode/#IsPrint." + (patch ? " This field is required for apply "
        + "requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, "
        + "StrategicMergePatch)." : ""), false));
    a.add(param("fieldValidation", "query", "fieldValidation instructs the server on how to handle objects in the "
        + "request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will "
        + "ignore any unknown fields that are silently dropped from the object, and will ignore all but the last "
        + "duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning "
        + "response header for each unknown field that is dropped from the object, and for each duplicate field "
        + "that is encountered. The request will still succeed if there are no other errors, and will only persist "
        + "the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with "
        + "a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields "
        + "are present. The error returned from the server will contain all unknown and duplicate fields "
        + "encountered.", false));
    if (patch) {
      ObjectNode force = param("force", "query", "Force is going to \"force\" Apply requests. It means user will "
          + "re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch "
          + "requests.", false);
      force.putObject("schema").put("type", "boolean").put("uniqueItems", true);
      a.add(force);
    }
    return a;
  }

  private static ArrayNode deleteParams() {
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.add(param("dryRun", "query", "When present, indicates that modifications should not be persisted.", false));
    ObjectNode grace = param("gracePeriodSeconds", "query", "The duration in seconds before the object should be "
        + "deleted. Value must be non-negative integer.", false);
    grace.putObject("schema").put("type", "integer").put("uniqueItems", true);
    a.add(grace);
    a.add(param("propagationPolicy", "query", "Whether and how garbage collection will be performed. Acceptable "
        + "values are: 'Orphan', 'Background', 'Foreground'.", false));
    return a;
  }

  private static ArrayNode listParams() {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (String p : new String[] {"continue", "fieldSelector", "labelSelector", "resourceVersion",
        "resourceVersionMatch"}) {
      a.add(param(p, "query", p, false));
    }
    for (String p : new String[] {"limit", "timeoutSeconds"}) {
      ObjectNode n = param(p, "query", p, false);
      n.putObject("schema").put("type", "integer").put("uniqueItems", true);
      a.add(n);
    }
    for (String p : new String[] {"allowWatchBookmarks", "sendInitialEvents", "watch"}) {
      ObjectNode n = param(p, "query", p, false);
      n.putObject("schema").put("type", "boolean").put("uniqueItems", true);
      a.add(n);
    }
    return a;
  }

  private static ObjectNode param(String name, String in, String description, boolean required) {
    ObjectNode p = Json.object().put("name", name).put("in", in).put("description", description);
    if (required) {
      p.put("required", true);
    }
    p.putObject("schema").put("type", "string").put("uniqueItems", true);
    return p;
  }
}
