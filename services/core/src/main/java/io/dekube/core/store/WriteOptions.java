package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * Preconditions and options of one write, as the request envelope carries them
 * ({@code preconditions}: uid, resourceVersion; {@code options}: dryRun, fieldManager, force,
 * propagationPolicy, gracePeriodSeconds, fieldValidation, subresource, serverFields, apiVersion, user). Immutable; build with
 * {@link #none()} and the {@code with...} methods.
 *
 * @param uid                precondition: the current object's uid must be this (null: any)
 * @param resourceVersion    precondition: the current object's resourceVersion must be this (null: any)
 * @param dryRun             validate and answer, write nothing ({@code dryRun=All})
 * @param fieldManager       the manager name (server-side apply, managedFields)
 * @param force              server-side apply: take over conflicting fields
 * @param propagationPolicy  delete: {@code Orphan}, {@code Background} or {@code Foreground}
 * @param gracePeriodSeconds delete: the grace period, null for the default
 * @param fieldValidation    {@code Ignore}, {@code Warn} or {@code Strict}
 * @param subresource        patch: {@code status} to patch the status subresource, {@code binding} to
 *                           bind a pod (one write: node name and PodScheduled), else null
 * @param serverFields       create: the uid, creationTimestamp and generated name admission chose (its validating
 *                           webhooks and policies saw them), for the writer to store; null when the writer chooses
 * @param apiVersion         the served version of a custom kind the client wrote in when it is not the storage version
 *                           (the body is in the storage version all the same): that version's subresources, schema
 *                           and managedFields {@code apiVersion} apply, as kube-apiserver's handler of that version
 *                           has them; null for the storage version
 * @param user               the name of the user the write is made for (the apiserver's authenticated, or impersonated,
 *                           user; a component's own identity), for the writer's admission plugins that exempt users
 *                           (PodSecurity's {@code usernames}); null when unknown
 */
public record WriteOptions(String uid, String resourceVersion, boolean dryRun, String fieldManager, Boolean force,
                           String propagationPolicy, Long gracePeriodSeconds, String fieldValidation,
                           String subresource, CreateFields serverFields, String apiVersion, String user) {

  private static final WriteOptions NONE = new WriteOptions(null, null, false, null, null, null, null, null, null,
      null, null, null);

  /** No preconditions, no options. */
  public static WriteOptions none() {
    return NONE;
  }

  public WriteOptions withUid(String v) {
    return new WriteOptions(v, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withResourceVersion(String v) {
    return new WriteOptions(uid, v, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withDryRun(boolean v) {
    return new WriteOptions(uid, resourceVersion, v, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withFieldManager(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, v, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withForce(Boolean v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, v, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withPropagationPolicy(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, v, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withGracePeriodSeconds(Long v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, v,
        fieldValidation, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withFieldValidation(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        v, subresource, serverFields, apiVersion, user);
  }

  public WriteOptions withSubresource(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, v, serverFields, apiVersion, user);
  }

  public WriteOptions withServerFields(CreateFields v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, v, apiVersion, user);
  }

  public WriteOptions withApiVersion(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, v, user);
  }

  public WriteOptions withUser(String v) {
    return new WriteOptions(uid, resourceVersion, dryRun, fieldManager, force, propagationPolicy, gracePeriodSeconds,
        fieldValidation, subresource, serverFields, apiVersion, v);
  }

  /** The envelope's {@code preconditions} object (empty when there are none). */
  public ObjectNode preconditionsJson() {
    ObjectNode n = Json.object();
    if (uid != null) {
      n.put("uid", uid);
    }
    if (resourceVersion != null) {
      n.put("resourceVersion", resourceVersion);
    }
    return n;
  }

  /** The envelope's {@code options} object (empty when there are none). */
  public ObjectNode optionsJson() {
    ObjectNode n = Json.object();
    if (dryRun) {
      n.put("dryRun", "All");
    }
    putIfSet(n, "fieldManager", fieldManager);
    if (force != null) {
      n.put("force", force);
    }
    putIfSet(n, "propagationPolicy", propagationPolicy);
    if (gracePeriodSeconds != null) {
      n.put("gracePeriodSeconds", gracePeriodSeconds);
    }
    putIfSet(n, "fieldValidation", fieldValidation);
    putIfSet(n, "subresource", subresource);
    if (serverFields != null) {
      n.set("serverFields", serverFields.toJson());
    }
    putIfSet(n, "apiVersion", apiVersion);
    putIfSet(n, "user", user);
    return n;
  }

  /**
   * Reads the envelope's {@code preconditions} and {@code options} (either may be null). {@code dryRun}
   * may be {@code "All"} or a list holding {@code "All"}, as Kubernetes spells it.
   */
  public static WriteOptions fromJson(JsonNode preconditions, JsonNode options) {
    JsonNode p = preconditions == null ? Json.object() : preconditions;
    JsonNode o = options == null ? Json.object() : options;
    return new WriteOptions(text(p, "uid"), text(p, "resourceVersion"), isDryRun(o.get("dryRun")),
        text(o, "fieldManager"), o.hasNonNull("force") ? o.get("force").asBoolean() : null,
        text(o, "propagationPolicy"), o.hasNonNull("gracePeriodSeconds") ? o.get("gracePeriodSeconds").asLong() : null,
        text(o, "fieldValidation"), text(o, "subresource"), CreateFields.fromJson(o.get("serverFields")),
        text(o, "apiVersion"), text(o, "user"));
  }

  private static boolean isDryRun(JsonNode d) {
    if (d == null || d.isNull()) {
      return false;
    }
    if (d.isArray()) {
      for (JsonNode e : d) {
        if ("All".equals(e.asText())) {
          return true;
        }
      }
      return false;
    }
    return d.isBoolean() ? d.asBoolean() : "All".equals(d.asText());
  }

  /** {@code n.field} as text; null when absent, null or empty. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  private static void putIfSet(ObjectNode n, String field, String v) {
    if (v != null) {
      n.put(field, v);
    }
  }
}
