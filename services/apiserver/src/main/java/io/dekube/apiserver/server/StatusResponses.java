package io.dekube.apiserver.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes Kubernetes {@code Status} error responses, and the {@code Status} objects kube-apiserver
 * answers for failures of the HTTP layer itself (404 path, 405 method, 401, 413, 500). Event-loop
 * safe; stateless.
 */
public final class StatusResponses {

  private StatusResponses() {
  }

  /** 404 for a path no handler serves, as kube-apiserver words it. */
  public static StatusException pathNotFound() {
    return new StatusException(404, "NotFound", "the server could not find the requested resource", Json.object());
  }

  /** 405 for a method the path does not allow. */
  public static StatusException methodNotAllowed() {
    return new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
        Json.object());
  }

  /** 401, with kube-apiserver's fixed message (reasons are never told to the client). */
  public static StatusException unauthorized() {
    return new StatusException(401, "Unauthorized", "Unauthorized");
  }

  /** 413 for a request body over {@code limit} bytes. */
  public static StatusException tooLarge(long limit) {
    return StatusException.tooLarge("Request entity too large: limit is " + limit);
  }

  /** Sends {@code e} as a {@code Status} JSON response, unless a response was already started. */
  public static void send(RoutingContext ctx, StatusException e) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    String body;
    try {
      com.fasterxml.jackson.databind.node.ObjectNode status = e.toStatus();
      io.dekube.apiserver.audit.AuditHandler.response(ctx, status);
      body = Json.MAPPER.writeValueAsString(status);
    } catch (JsonProcessingException ex) {
      body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + e.code() + "}";
    }
    response.setStatusCode(e.code())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("Cache-Control", "no-cache, private")
        .end(body);
  }
}
