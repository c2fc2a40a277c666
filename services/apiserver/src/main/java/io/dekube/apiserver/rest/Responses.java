package io.dekube.apiserver.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.codec.ResponseFormat;
import io.dekube.apiserver.rest.table.IncludeObject;
import io.dekube.apiserver.rest.table.Printers;
import io.dekube.apiserver.rest.table.TableBuilder;
import io.dekube.apiserver.rest.table.TablePrinter;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import io.dekube.core.model.ResourceType;
import java.util.Optional;
import java.util.Set;
import io.dekube.apiserver.codec.proto.ProtobufEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes answers: objects in the negotiated shape (object, Table, PartialObjectMetadata) and
 * encoding (JSON, YAML), {@code Status} failures, and {@code Warning} headers. Called on the
 * request's event loop.
 */
public final class Responses {

  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  /** Go's {@code json.MarshalIndent(v, "", "  ")} layout: {@code "key": value}, {@code {}} for empty. */
  private static final ObjectWriter PRETTY = Json.MAPPER.writer(new DefaultPrettyPrinter(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("").withArrayEmptySeparator(""))
      .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

  /** Routing-context key set when the client negotiated protobuf answers. */
  static final String PROTOBUF = "dekube.protobuf";

  private Responses() {
  }

  /** Sends an object (stored form) converted to the client's version and shape. */
  static void object(ApiRequest r, int code, ObjectNode stored) {
    if (r.remoteConversion()) {
      r.outAsync(stored).onSuccess(o -> send(r.ctx(), code, shape(r, o), r.pretty(), r.format().yaml()))
          .onFailure(e -> fail(r.ctx(), e, r.pretty()));
      return;
    }
    send(r.ctx(), code, shape(r, r.out(stored)), r.pretty(), r.format().yaml());
  }

  /** The answer body for one object in the client's version: the object, a Table or its metadata. */
  static ObjectNode shape(ApiRequest r, ObjectNode versioned) {
    return shape(r, versioned, Printers.of(r.type(), r.custom(), r.path().version()));
  }

  /** As {@link #shape(ApiRequest, ObjectNode)} with a Table of another printer's (a subresource's kind). */
  static ObjectNode shape(ApiRequest r, ObjectNode versioned, TablePrinter printer) {
    ResponseFormat f = r.format();
    return switch (f.shape()) {
      case OBJECT -> versioned;
      case PARTIAL_METADATA -> TableBuilder.partialMetadata(versioned, f.metaVersion());
      case TABLE -> TableBuilder.table(printer, List.of(versioned),
          IncludeObject.parse(r.query("includeObject")), f.metaVersion(), resourceVersionMeta(versioned), true,
          Instant.now());
    };
  }

  private static ObjectNode resourceVersionMeta(ObjectNode o) {
    ObjectNode m = Json.object();
    String rv = o.path("metadata").path("resourceVersion").asText("");
    if (!rv.isEmpty()) {
      m.put("resourceVersion", rv);
    }
    return m;
  }

  /** Sends a body as it is. */
  static void send(RoutingContext ctx, int code, ObjectNode body, boolean pretty, boolean yaml) {
    HttpServerResponse res = ctx.response();
    if (res.ended() || res.closed()) {
      return;
    }
    res.putHeader("Cache-Control", "no-cache, private");
    AuditHandler.response(ctx, body);
    if (Boolean.TRUE.equals(ctx.get(PROTOBUF))) {
      Optional<byte[]> proto = ProtobufEncoder.encode(body);
      if (proto.isPresent()) {
        res.setStatusCode(code).putHeader("Content-Type", MediaTypes.PROTOBUF);
        res.end(Buffer.buffer(proto.get()));
        return;
      }
    }
    res.setStatusCode(code).putHeader("Content-Type", yaml ? MediaTypes.YAML : MediaTypes.JSON);
    res.end(Buffer.buffer(encode(body, pretty, yaml)));
  }

  /** JSON (one line or indented) or YAML, with a final newline as kube-apiserver writes. */
  public static byte[] encode(ObjectNode body, boolean pretty, boolean yaml) {
    try {
      if (yaml) {
        return Json.YAML.writeValueAsBytes(body);
      }
      String s = pretty ? PRETTY.writeValueAsString(body)
          : Json.MAPPER.writeValueAsString(body);
      return (s + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw StatusException.internal("cannot encode the response: " + e.getMessage());
    }
  }

  /** Sends a failure as a {@code Status}; anything but a {@link StatusException} is a 500. */
  static void fail(RoutingContext ctx, Throwable t, boolean pretty) {
    StatusException e;
    if (t instanceof StatusException se) {
      e = se;
    } else {
      LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), t);
      e = StatusException.internal("Internal error occurred: " + (t == null ? "unknown error" : t.getMessage()));
    }
    ObjectNode status = e.toStatus();
    int retryAfter = status.path("details").path("retryAfterSeconds").asInt(0);
    if (retryAfter > 0 && !ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", Integer.toString(retryAfter)); // as kube-apiserver writes it
    }
    send(ctx, e.code(), status, pretty, false);
  }

  /** Adds one {@code Warning: 299 - "<text>"} header per warning, as kube-apiserver does. */
  static void warnings(RoutingContext ctx, List<String> warnings) {
    for (String w : warnings) {
      ctx.response().headers().add("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
  }

  /** Kinds whose delete answers the deleted object (kube's {@code ReturnDeletedObject}); others answer a Status. */
  private static final Set<String> RETURN_DELETED = Set.of("pods", "services", "serviceaccounts", "namespaces",
      "customresourcedefinitions.apiextensions.k8s.io");

  /**
   * What kube answers a delete of {@code name}: the object itself (still there, or a kind whose store returns it),
   * else a Success Status naming it ({@code details}: name, group, kind as the plural, uid).
   */
  public static ObjectNode deleted(ResourceType t, String name, ObjectNode obj) {
    if (WriteHandler.stillExists(obj) || RETURN_DELETED.contains(t.resourceName())) {
      return obj;
    }
    ObjectNode details = Json.object();
    details.put("name", obj.path("metadata").path("name").asText(name));
    if (!t.group().isEmpty()) {
      details.put("group", t.group());
    }
    details.put("kind", t.plural());
    String uid = obj.path("metadata").path("uid").asText("");
    if (!uid.isEmpty()) {
      details.put("uid", uid);
    }
    return Responses.success(0, details);
  }

  /** A {@code Status} of success, e.g. for a delete of a kind that does not return the object. */
  static ObjectNode success(int code, ObjectNode details) {
    ObjectNode s = Json.object();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    if (details != null) {
      s.set("details", details);
    }
    if (code > 0) {
      s.put("code", code);
    }
    return s;
  }

  /** Whether to indent: {@code pretty=true}, or a browser, curl or wget client when not given. */
  public static boolean pretty(RoutingContext ctx) {
    String p = ctx.request().getParam("pretty");
    if (p != null && !p.isEmpty()) {
      return p.equals("true") || p.equals("1");
    }
    String ua = ctx.request().getHeader("User-Agent");
    return ua != null && (ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0"));
  }
}
