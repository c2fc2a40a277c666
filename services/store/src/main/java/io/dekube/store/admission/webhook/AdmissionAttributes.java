package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.ResourceType;

/**
 * What an admission webhook is asked about: one write (of the REST API or of a bus component), as kube's
 * {@code admission.Attributes}. Objects are in the stored version of {@code type}. Immutable (the
 * objects are not copied: callers hand in objects they no longer change).
 *
 * @param operation          {@code CREATE}, {@code UPDATE} or {@code DELETE}
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
 */
public record AdmissionAttributes(String operation, ResourceType type, String requestApiVersion, String subresource,
                                  String namespace, String name, ObjectNode object, ObjectNode oldObject,
                                  boolean dryRun, ObjectNode options, UserInfo user) {

  public static final String CREATE = "CREATE";
  public static final String UPDATE = "UPDATE";
  public static final String DELETE = "DELETE";

  public AdmissionAttributes {
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
    user = user == null ? UserInfo.anonymous() : user;
  }

  /** These attributes about another new object (what a mutating webhook made of it). */
  AdmissionAttributes withObject(ObjectNode changed) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, changed, oldObject,
        dryRun, options, user);
  }

  /** These attributes about {@code object} named {@code name} (a create once its name is generated). */
  AdmissionAttributes named(String name, ObjectNode object) {
    return new AdmissionAttributes(operation, type, requestApiVersion, subresource, namespace, name, object, oldObject,
        dryRun, options, user);
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
