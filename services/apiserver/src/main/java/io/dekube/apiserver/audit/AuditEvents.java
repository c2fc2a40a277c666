package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditPolicy.Decision;
import io.dekube.apiserver.audit.AuditPolicy.Stage;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.apiserver.authz.AuthorizationHandler;
import io.dekube.apiserver.authz.Impersonation;
import io.dekube.apiserver.authz.RbacAuthorizer;
import io.dekube.core.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code audit.k8s.io/v1} Event of one stage of a request, with the fields kube-apiserver writes:
 * level, auditID, stage, requestURI, verb, user (and impersonatedUser), sourceIPs, userAgent, objectRef,
 * responseStatus, requestObject / responseObject by level, the two timestamps in microseconds, and the
 * authorizer's decision and reason as annotations. Pure.
 */
final class AuditEvents {

  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private AuditEvents() {
  }

  /**
   * The event of one stage of an apiserver request; {@code meta}: the metadata of the request's object once kube's
   * {@code LogRequestObject} recorded it (creates and updates, from ResponseStarted on), else null.
   */
  static ObjectNode event(Decision d, Stage stage, String id, RoutingContext ctx, Attributes a, Instant received,
                          Instant at, JsonNode status, JsonNode meta) {
    HttpServerRequest req = ctx.request();
    ObjectNode e = Json.object().put("kind", "Event").put("apiVersion", "audit.k8s.io/v1")
        .put("level", d.level().name()).put("auditID", id).put("stage", stage.name())
        .put("requestURI", req.uri()).put("verb", a.verb());
    UserInfo actor = a.user();
    ObjectNode user = e.putObject("user");
    if (actor != null) {
      user(user, actor);
      UserInfo effective = ctx.get(UserInfo.CONTEXT_KEY);
      if (ctx.get(Impersonation.ACTOR_KEY) != null && effective != null) {
        user(e.putObject("impersonatedUser"), effective);
      }
    }
    ArrayNode ips = e.putArray("sourceIPs");
    String forwarded = req.getHeader("X-Forwarded-For");
    if (forwarded != null) {
      for (String ip : forwarded.split(",")) {
        if (!ip.isBlank()) {
          ips.add(ip.trim());
        }
      }
    }
    if (req.remoteAddress() != null) {
      ips.add(req.remoteAddress().hostAddress());
    }
    String agent = req.getHeader("User-Agent");
    if (agent != null) {
      e.put("userAgent", agent);
    }
    if (a.resourceRequest()) {
      objectRef(e, a.resource(), a.namespace(), a.name(), a.apiGroup(), a.apiVersion().equals("*") ? "" : a.apiVersion(),
          a.subresource(), meta);
    }
    if (stage != Stage.RequestReceived) {
      int code = ctx.response().getStatusCode();
      responseStatus(e, code >= 400 ? status : null, code);
    }
    e.put("requestReceivedTimestamp", MICROS.format(received)).put("stageTimestamp", MICROS.format(at));
    RbacAuthorizer.Decision authz = ctx.get(AuthorizationHandler.DECISION);
    if (authz != null) {
      e.putObject("annotations").put("authorization.k8s.io/decision", authz.allowed() ? "allow" : "forbid")
          .put("authorization.k8s.io/reason", authz.reason() == null ? "" : authz.reason());
    }
    return e;
  }

  /** The bus writes' authorization annotations: no authorizer runs between a component and the store. */
  static final String BUS_DECISION = "allow";
  static final String BUS_REASON = "dekube: written on the bus, which does not authorize";

  /**
   * The event of one stage of a bus component's request ({@link AuditedStore}): as {@link #event}, with the request
   * kube's client would have sent, the component's user and User-Agent, source IP 127.0.0.1; from ResponseComplete on
   * the object reference completed from the request's object (name, uid, resourceVersion: kube's
   * {@code LogRequestObject}) and the authorization annotations, which say that the bus does not authorize.
   * {@code status}: the failure's Status or null; {@code code}: the answer's code (unused for RequestReceived); the
   * objects as the level records them (null: none).
   */
  static ObjectNode busEvent(Decision d, Stage stage, String id, BusRequest r, UserInfo u, String agent,
                             Instant received, Instant at, JsonNode status, int code, JsonNode requestObject,
                             JsonNode responseObject) {
    ObjectNode e = Json.object().put("kind", "Event").put("apiVersion", "audit.k8s.io/v1")
        .put("level", d.level().name()).put("auditID", id).put("stage", stage.name())
        .put("requestURI", r.uri()).put("verb", r.verb());
    user(e.putObject("user"), u);
    e.putArray("sourceIPs").add("127.0.0.1");
    e.put("userAgent", agent);
    boolean after = stage != Stage.RequestReceived;
    // kube's create and update handlers call LogRequestObject (a patch's LogRequestPatch and a delete's DeleteOptions
    // complete nothing)
    boolean logged = after && r.body() != null && (r.verb().equals("create") || r.verb().equals("update"));
    objectRef(e, r.type().plural(), r.attributes(u).namespace(), r.name(), r.type().group(), r.version(),
        r.subresource(), logged ? r.body().path("metadata") : null);
    if (after) {
      responseStatus(e, status, code);
    }
    if (requestObject != null) {
      e.set("requestObject", requestObject);
    }
    if (responseObject != null) {
      e.set("responseObject", responseObject);
    }
    e.put("requestReceivedTimestamp", MICROS.format(received)).put("stageTimestamp", MICROS.format(at));
    if (after) {
      e.putObject("annotations").put("authorization.k8s.io/decision", BUS_DECISION)
          .put("authorization.k8s.io/reason", BUS_REASON);
    }
    return e;
  }

  /**
   * The event's {@code objectRef}, fields in kube's order: the request's path, completed as kube's
   * {@code LogRequestObject} completes it from the request object's metadata ({@code meta}, null for none): the
   * namespace and name the path did not give (a create's), the uid and resourceVersion the object carries.
   */
  private static void objectRef(ObjectNode e, String resource, String namespace, String name, String group,
                                String version, String subresource, JsonNode meta) {
    ObjectNode ref = e.putObject("objectRef");
    putIfSet(ref, "resource", resource);
    putIfSet(ref, "namespace", namespace.isEmpty() ? text(meta, "namespace") : namespace);
    putIfSet(ref, "name", name.isEmpty() ? text(meta, "name") : name);
    putIfSet(ref, "uid", text(meta, "uid"));
    putIfSet(ref, "apiGroup", group);
    putIfSet(ref, "apiVersion", version);
    putIfSet(ref, "resourceVersion", text(meta, "resourceVersion"));
    putIfSet(ref, "subresource", subresource);
  }

  private static String text(JsonNode meta, String field) {
    return meta == null ? "" : meta.path(field).asText("");
  }

  /** The event's {@code responseStatus}: the code, and a failure's status, message and reason (none: null). */
  private static void responseStatus(ObjectNode e, JsonNode failure, int code) {
    ObjectNode rs = e.putObject("responseStatus");
    rs.putObject("metadata");
    if (failure != null) {
      for (String f : new String[] {"status", "message", "reason"}) {
        if (failure.hasNonNull(f)) {
          rs.set(f, failure.get(f));
        }
      }
    }
    rs.put("code", code);
  }

  /** Adds {@code annotations} to the event's, the whole kept in key order as kube's JSON writes a map. */
  static void annotate(ObjectNode e, java.util.Map<String, String> annotations) {
    java.util.Map<String, String> all = new java.util.TreeMap<>(annotations);
    e.path("annotations").fields().forEachRemaining(f -> all.put(f.getKey(), f.getValue().asText()));
    ObjectNode out = e.putObject("annotations");
    all.forEach(out::put);
  }

  private static void user(ObjectNode out, UserInfo u) {
    out.put("username", u.name());
    if (!u.uid().isEmpty()) {
      out.put("uid", u.uid());
    }
    ArrayNode groups = out.putArray("groups");
    u.groups().forEach(groups::add);
    u.putExtra(out);
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(field, value);
    }
  }

  /**
   * The request's object: as the apiserver decoded it, else its body as JSON or YAML (a patch as it was
   * sent); an undecoded protobuf body and empty bodies give none.
   */
  static void requestObject(ObjectNode e, RoutingContext ctx, JsonNode decoded, boolean omitManagedFields) {
    if (decoded != null) {
      e.set("requestObject", omitManagedFields ? withoutManagedFields(decoded) : decoded);
      return;
    }
    RequestBody body = ctx.body();
    Buffer bytes = body == null ? null : body.buffer();
    if (bytes == null || bytes.length() == 0) {
      return;
    }
    String type = String.valueOf(ctx.request().getHeader("Content-Type"));
    if (type.contains("protobuf")) {
      return;
    }
    try {
      JsonNode parsed = type.contains("yaml") ? Json.YAML.readTree(bytes.getBytes()) : Json.MAPPER.readTree(bytes.getBytes());
      if (parsed != null && (parsed.isObject() || parsed.isArray())) {
        e.set("requestObject", omitManagedFields ? withoutManagedFields(parsed) : parsed);
      }
    } catch (java.io.IOException ignored) {
      // not JSON or YAML: kube records only what it decoded
    }
  }

  static void responseObject(ObjectNode e, JsonNode body, boolean omitManagedFields) {
    if (body != null) {
      e.set("responseObject", omitManagedFields ? withoutManagedFields(body) : body);
    }
  }

  /** A copy without {@code metadata.managedFields}, also in a list's items. */
  static JsonNode withoutManagedFields(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    if (copy.path("metadata").isObject()) {
      ((ObjectNode) copy.get("metadata")).remove("managedFields");
    }
    if (copy.path("items").isArray()) {
      for (JsonNode item : copy.get("items")) {
        if (item.path("metadata").isObject()) {
          ((ObjectNode) item.get("metadata")).remove("managedFields");
        }
      }
    }
    return copy;
  }
}
