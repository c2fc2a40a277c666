package io.dekube.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A failure that carries a Kubernetes {@code Status}: the code, reason and message a client sees.
 * Factories name the reasons kube-apiserver uses. Immutable.
 */
public final class StatusException extends RuntimeException {

  private final int code;
  private final String reason;
  private final ObjectNode details;

  public StatusException(int code, String reason, String message, ObjectNode details) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  public StatusException(int code, String reason, String message) {
    this(code, reason, message, null);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /**
   * The {@code Status} object: kind, apiVersion, metadata, status Failure, message, reason (unless
   * empty), details, code.
   */
  public ObjectNode toStatus() {
    ObjectNode s = Json.object();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", getMessage());
    if (!reason.isEmpty()) { // kube omits an empty reason (StatusReasonUnknown)
      s.put("reason", reason);
    }
    if (details != null) {
      s.set("details", details);
    }
    s.put("code", code);
    return s;
  }

  /** Rebuilds the exception from a {@code Status} object (e.g. one read from a reply). */
  public static StatusException fromStatus(ObjectNode status) {
    ObjectNode details = status.get("details") instanceof ObjectNode d ? d : null;
    return new StatusException(status.path("code").asInt(500), status.path("reason").asText("InternalError"),
        status.path("message").asText(""), details);
  }

  private static ObjectNode details(String group, String kind, String name) {
    ObjectNode d = Json.object();
    if (name != null) {
      d.put("name", name);
    }
    if (group != null && !group.isEmpty()) {
      d.put("group", group);
    }
    d.put("kind", kind);
    return d;
  }

  /** 404: {@code pods "web" not found}. */
  public static StatusException notFound(ResourceType type, String name) {
    return new StatusException(404, "NotFound", qualified(type) + " \"" + name + "\" not found",
        details(type.group(), type.plural(), name));
  }

  /** 409: {@code pods "web" already exists}. */
  public static StatusException alreadyExists(ResourceType type, String name) {
    return new StatusException(409, "AlreadyExists", qualified(type) + " \"" + name + "\" already exists",
        details(type.group(), type.plural(), name));
  }

  /** 409 Conflict, the optimistic-concurrency failure. */
  public static StatusException conflict(ResourceType type, String name, String why) {
    return new StatusException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(type)
        + " \"" + name + "\": " + why, details(type.group(), type.plural(), name));
  }

  /** 400 BadRequest. */
  public static StatusException badRequest(String message) {
    return new StatusException(400, "BadRequest", message);
  }

  /** 422 Invalid: {@code Deployment.apps "x" is invalid: <causes>}. */
  public static StatusException invalid(ResourceType type, String name, String causes) {
    return new StatusException(422, "Invalid", type.kind() + (type.group().isEmpty() ? "" : "." + type.group())
        + " \"" + name + "\" is invalid: " + causes, details(type.group(), type.kind(), name));
  }

  /** 413 RequestEntityTooLarge. */
  public static StatusException tooLarge(String message) {
    return new StatusException(413, "RequestEntityTooLarge", message);
  }

  /** 504 Timeout. */
  public static StatusException timeout(String message) {
    return new StatusException(504, "Timeout", message);
  }

  /** 500 InternalError. */
  public static StatusException internal(String message) {
    return new StatusException(500, "InternalError", message);
  }

  private static String qualified(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }
}
