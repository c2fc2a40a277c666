package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * One call of a bus component's store as the request kube's client-go would have sent for it: the verb, the
 * requestURI (path and the query of its options), the object reference and the body kube-apiserver decodes —
 * the object of a create or update, a patch as sent, the {@code Binding} of a {@code pods/binding} create, the
 * {@code DeleteOptions} of a delete. Pure, immutable.
 *
 * @param verb        kube's verb: create, update, patch, delete, get, list
 * @param type        the resource
 * @param version     the version the request is in (a custom kind's served one)
 * @param namespace   the namespace of the path ("" for cluster-scoped resources)
 * @param name        the name of the path ("" for a create or a list)
 * @param subresource status, binding... ("" for none)
 * @param uri         the requestURI
 * @param body        what the apiserver decodes from the body, or null
 * @param code        the success code kube answers (201 for creates)
 */
record BusRequest(String verb, ResourceType type, String version, String namespace, String name, String subresource,
                  String uri, JsonNode body, int code) {

  /** A write of {@code verb} ({@code create} posts to the collection, the others name the object). */
  static BusRequest write(String verb, ResourceType t, String namespace, String name, String subresource,
                          JsonNode body, WriteOptions o) {
    String version = o.apiVersion() != null ? o.apiVersion().substring(o.apiVersion().indexOf('/') + 1) : t.version();
    boolean create = verb.equals("create");
    String path = path(t, version, namespace, create && subresource.isEmpty() ? "" : name, subresource);
    String query = verb.equals("delete") ? "" : query(o);
    return new BusRequest(verb, t, version, t.namespaced() ? namespace : "", name, subresource,
        query.isEmpty() ? path : path + "?" + query, body, create ? 201 : 200);
  }

  /** A read: {@code get} of one object or {@code list} of a namespace's (all, for "") objects. */
  static BusRequest read(ResourceType t, String namespace, String name) {
    return new BusRequest(name.isEmpty() ? "list" : "get", t, t.version(), t.namespaced() ? namespace : "", name, "",
        path(t, t.version(), namespace, name, ""), null, 200);
  }

  /**
   * The scheduler's bind as kube's DefaultBinder sends it: {@code POST .../pods/NAME/binding} with a Binding of the
   * pod (name, namespace, uid) to the node; answered 201 with a Success Status.
   */
  static BusRequest binding(ResourceType t, String namespace, String name, String node, WriteOptions o) {
    ObjectNode binding = Json.object().put("kind", "Binding").put("apiVersion", "v1");
    ObjectNode meta = binding.putObject("metadata").put("name", name).put("namespace", namespace);
    if (o.uid() != null) {
      meta.put("uid", o.uid());
    }
    meta.putNull("creationTimestamp"); // Go writes the zero time so
    binding.putObject("target").put("kind", "Node").put("name", node);
    return write("create", t, namespace, name, "binding", binding, o);
  }

  /** The {@code DeleteOptions} client-go sends as a delete's body, in its group's version, fields in Go's order. */
  static ObjectNode deleteOptions(ResourceType t, WriteOptions o) {
    ObjectNode n = Json.object().put("kind", "DeleteOptions").put("apiVersion", t.apiVersion());
    if (o.gracePeriodSeconds() != null) {
      n.put("gracePeriodSeconds", o.gracePeriodSeconds());
    }
    if (o.uid() != null || o.resourceVersion() != null) {
      n.set("preconditions", o.preconditionsJson());
    }
    if (o.propagationPolicy() != null) {
      n.put("propagationPolicy", o.propagationPolicy());
    }
    if (o.dryRun()) {
      n.putArray("dryRun").add("All");
    }
    return n;
  }

  /** What the audit policy matches: as kube's RequestInfo, a Namespace's own name is its namespace. */
  Attributes attributes(UserInfo user) {
    String ns = type.group().isEmpty() && type.plural().equals("namespaces") ? name : namespace;
    return new Attributes(user, verb, true, type.group(), version, type.plural(), subresource, ns, name,
        uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri);
  }

  /**
   * A reflector's request of all the objects of {@code t} (kube's ListAndWatch): {@code list} or {@code watch} with the
   * query client-go sends ({@code query} without the {@code ?}).
   */
  static BusRequest reflector(String verb, ResourceType t, String query) {
    return new BusRequest(verb, t, t.version(), "", "", "", path(t, t.version(), "", "", "") + "?" + query, null, 200);
  }

  private static String path(ResourceType t, String version, String namespace, String name, String subresource) {
    StringBuilder b = new StringBuilder(t.group().isEmpty() ? "/api/" + version : "/apis/" + t.group() + "/" + version);
    if (t.namespaced() && !namespace.isEmpty()) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(t.plural());
    if (!name.isEmpty()) {
      b.append('/').append(name);
      if (!subresource.isEmpty()) {
        b.append('/').append(subresource);
      }
    }
    return b.toString();
  }

  /** The options client-go puts in the query (url.Values: keys sorted). */
  private static String query(WriteOptions o) {
    TreeMap<String, String> q = new TreeMap<>();
    if (o.dryRun()) {
      q.put("dryRun", "All");
    }
    if (o.fieldManager() != null) {
      q.put("fieldManager", o.fieldManager());
    }
    if (o.fieldValidation() != null) {
      q.put("fieldValidation", o.fieldValidation());
    }
    if (o.force() != null) {
      q.put("force", o.force().toString());
    }
    StringBuilder b = new StringBuilder();
    q.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }
}
