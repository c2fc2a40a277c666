package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;

/**
 * kube-apiserver's 403 for a denied request, worded as its authorization filter words it:
 * {@code pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the
 * namespace "default"}, {@code ... at the cluster scope}, and {@code forbidden: User "jane" cannot
 * get path "/metrics"} for other paths. Pure.
 */
public final class Forbidden {

  private Forbidden() {
  }

  /** Why the user may not (without the qualified resource in front). */
  public static String message(Attributes a) {
    String user = a.user() == null ? "" : a.user().name();
    if (!a.resourceRequest()) {
      return "User \"" + user + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
    }
    String resource = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
    String where = a.namespace().isEmpty() ? " at the cluster scope" : " in the namespace \"" + a.namespace() + "\"";
    return "User \"" + user + "\" cannot " + a.verb() + " resource \"" + resource + "\" in API group \""
        + a.apiGroup() + "\"" + where;
  }

  /** The 403 Status of a denied request; {@code reason} (may be empty) is appended after a colon. */
  public static StatusException of(Attributes a, String reason) {
    return status(a, message(a) + (reason == null || reason.isEmpty() ? "" : ": " + reason));
  }

  /** A 403 Status about the request's resource with {@code why} as the cause. */
  public static StatusException status(Attributes a, String why) {
    ObjectNode details = Json.object();
    if (!a.resourceRequest()) {
      return new StatusException(403, "Forbidden", "forbidden: " + why, details);
    }
    String qualified = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
    if (!a.name().isEmpty()) {
      details.put("name", a.name());
    }
    if (!a.apiGroup().isEmpty()) {
      details.put("group", a.apiGroup());
    }
    details.put("kind", a.resource());
    String subject = a.name().isEmpty() ? qualified : qualified + " \"" + a.name() + "\"";
    return new StatusException(403, "Forbidden", subject + " is forbidden: " + why, details);
  }
}
