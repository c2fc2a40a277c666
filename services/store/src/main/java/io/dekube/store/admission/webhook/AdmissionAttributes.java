package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.ResourceType;

/**
 * What an admission webhook is asked about: one write (of the REST API or of a bus component), as kube's
 * {@code admission.Attributes}. Objects are in the stored version of {@code type}. Immutable (the
 * objects are not copied: callers hand in objects they no longer change), but for the request's
 * {@code annotations}, which every copy shares, as kube's versioned attributes share their request's.
 *
 * @param operation          {@code CREATE}, {@code UPDATE}, {@code DELETE} or {@code CONNECT}
 * @param type               the stored resource
 * @param requestApiVersion  the {@code group/version} (or {@code v1}) the client addressed
 * @param subresource        {@code status}, ... or "" for the object itself
 * @param namespace          the namespace ("" for cluster-scoped objects; a Namespace's own name for namespaces)
 * @param name               the object's name ("" when not known yet)
 * @param object             the new object (null for a delete)
 * @param oldObject          the current object (null for a create)
 * @param dryRun             whether nothing will be persisted
 * @param options            the {@code CreateOptions}, {@code UpdateOptions}, {@code PatchOptions} or
 *                           {@code DeleteOptions}
 * @param user               the requesting user
 * @param objectKind         the kind of the objects when it is not {@code type}'s: a subresource's own kind
 *                           ({@code autoscaling/v1 Scale}, {@code /v1 Binding}, {@code policy/v1 Eviction},
 *                           {@code authentication.k8s.io/v1 TokenRequest}, a CONNECT's {@code /v1 PodExecOptions}),
 *                           as kube's attributes carry the kind of the REST endpoint; null for {@code type}'s kind
 * @param annotations        where admission puts the request's audit annotations ({@link AuditAnnotations#NONE} when
 *                           it is not audited)
 */
public record AdmissionAttributes(String operation, ResourceType type, String requestApiVersion, String subresource,
                                  String namespace, String name, ObjectNode object, ObjectNode oldObject,
                                  boolean dryRun, ObjectNode options, UserInfo user, ObjectKind objectKind,
                                  AuditAnnotations annotations) {

  public static final String CREATE = "CREATE";
  public static final String UPDATE = "UPDATE";
  public static final String DELETE = "DELETE";
  public static final String CONNECT = "CONNECT";

  /** A group, version and kind ({@code ""} group for the core one). */
  public record ObjectKind(String group, String version, String kind) {

    /** The kind of {@code apiVersion} ({@code v1}, {@code policy/v1}). */
    public static ObjectKind of(String apiVersion, String kind) {
      int slash = apiVersion.indexOf('/');
      return slash < 0 ? new ObjectKind("", apiVersion, kind)
          : new ObjectKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    /** {@code group/version}, or the version alone for the core group. */
    public String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  /** Attributes of a request whose objects are of {@code type}'s kind. */
  public AdmissionAttributes(String operation, ResourceType type, String requestApiVersion, String subresource,
                             String namespace, String name, ObjectNode object, ObjectNode oldObject, boolean dryRun,
                             ObjectNode options, UserInfo user) {
    this(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject, dryRun, options, user,
        null);
  }

  /** Attributes of a request whose objects are of {@code objectKind} (null: {@code type}'s), not audited. */
  public AdmissionAttributes(String operation, ResourceType type, String requestApiVersion, String subresource,
                             String namespace, String name, ObjectNode object, ObjectNode oldObject, boolean dryRun,
                             ObjectNode options, UserInfo user, ObjectKind objectKind) {
    this(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject, dryRun, options, user,
        objectKind, AuditAnnotations.NONE);
  }

  public AdmissionAttributes {
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
    user = user == null ? UserInfo.anonymous() : user;
    annotations = annotations == null ? AuditAnnotations.NONE : annotations;
  }

  /** These attributes, their audit annotations kept in {@code kept}. */
  public AdmissionAttributes withAnnotations(AuditAnnotations kept) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject,
        dryRun, options, user, objectKind, kept);
  }

  /** These attributes about another new object (what a mutating webhook made of it). */
  AdmissionAttributes withObject(ObjectNode changed) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, changed, oldObject,
        dryRun, options, user, objectKind, annotations);
  }

  /** These attributes about {@code object} named {@code name} (a create once its name is generated). */
  AdmissionAttributes named(String name, ObjectNode object) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject,
        dryRun, options, user, objectKind, annotations);
  }

  /** These attributes about objects of {@code kind} (a subresource's own kind). */
  public AdmissionAttributes ofKind(ObjectKind kind) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject,
        dryRun, options, user, kind, annotations);
  }

  /** The group of the addressed version ("" for the core group). */
  public String requestGroup() {
    int slash = requestApiVersion.indexOf('/');
    return slash < 0 ? "" : requestApiVersion.substring(0, slash);
  }

  /** The version the client addressed ({@code v1}, {@code v1beta1}). */
  public String requestVersion() {
    int slash = requestApiVersion.indexOf('/');
    return slash < 0 ? requestApiVersion : requestApiVersion.substring(slash + 1);
  }
}
