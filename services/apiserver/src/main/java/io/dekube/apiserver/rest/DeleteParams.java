package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code DeleteOptions} of a delete or deletecollection: from the JSON body when there is one
 * (as kubectl and client-go send it), else from the query. Validated as kube-apiserver does.
 * Immutable.
 *
 * @param propagationPolicy  {@code Orphan}, {@code Background}, {@code Foreground}, or null
 * @param gracePeriodSeconds the grace period, or null
 * @param uid                precondition on the uid, or null
 * @param resourceVersion    precondition on the resourceVersion, or null
 * @param dryRun             {@code dryRun: ["All"]}
 */
public record DeleteParams(String propagationPolicy, Long gracePeriodSeconds, String uid, String resourceVersion,
                           boolean dryRun) {

  private static final List<String> POLICIES = List.of("Foreground", "Background", "Orphan");

  /**
   * Reads the options.
   *
   * @param body    the request body (may be empty)
   * @param query   the query parameter lookup
   * @param dryRuns every {@code dryRun} query value
   * @throws StatusException 400 for an unreadable body, 422 Invalid for forbidden values
   */
  public static DeleteParams parse(byte[] body, Function<String, String> query, List<String> dryRuns) {
    DeleteParams d = body != null && body.length > 0 && !isBlank(body) ? fromBody(body) : fromQuery(query, dryRuns);
    return d;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  private static DeleteParams fromBody(byte[] body) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw StatusException.badRequest("the body of the DeleteOptions could not be read: " + e.getMessage());
    }
    if (!n.isObject()) {
      throw StatusException.badRequest("the body of a delete must be a DeleteOptions object");
    }
    String kind = n.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
      throw StatusException.badRequest("decoded object cannot be converted to DeleteOptions");
    }
    boolean dryRun = false;
    Invalid errs = new Invalid("meta.k8s.io", "DeleteOptions");
    for (JsonNode d : n.path("dryRun")) {
      if (d.asText().equals("All")) {
        dryRun = true;
      } else {
        errs.notSupported("dryRun", d.asText(), List.of("All"));
      }
    }
    Boolean orphan = n.path("orphanDependents").isBoolean() ? n.get("orphanDependents").asBoolean() : null;
    String policy = n.path("propagationPolicy").isTextual() ? n.get("propagationPolicy").asText() : null;
    Long grace = n.path("gracePeriodSeconds").canConvertToLong() ? n.get("gracePeriodSeconds").asLong() : null;
    JsonNode pre = n.path("preconditions");
    return validated(errs, policy, orphan, grace, text(pre, "uid"), text(pre, "resourceVersion"), dryRun);
  }

  private static DeleteParams fromQuery(Function<String, String> query, List<String> dryRuns) {
    Params p = new Params(query);
    Invalid errs = new Invalid("meta.k8s.io", "DeleteOptions");
    boolean dryRun = false;
    for (String d : dryRuns) {
      if (d.equals("All")) {
        dryRun = true;
      } else if (!d.isEmpty()) {
        errs.notSupported("dryRun", d, List.of("All"));
      }
    }
    String policy = p.get("propagationPolicy");
    return validated(errs, policy == null || policy.isEmpty() ? null : policy, p.optionalBool("orphanDependents"),
        p.optionalLong("gracePeriodSeconds"), null, null, dryRun);
  }

  private static DeleteParams validated(Invalid errs, String policy, Boolean orphan, Long grace, String uid,
                                        String rv, boolean dryRun) {
    if (orphan != null && policy != null) {
      errs.forbidden("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set");
    }
    if (policy != null && !POLICIES.contains(policy)) {
      errs.notSupported("propagationPolicy", policy, POLICIES);
    }
    errs.throwIfAny();
    String p = policy != null ? policy : orphan == null ? null : orphan ? "Orphan" : "Background";
    return new DeleteParams(p, grace, uid, rv, dryRun);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }
}
