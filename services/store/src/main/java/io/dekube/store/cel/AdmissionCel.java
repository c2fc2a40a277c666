package io.dekube.store.cel;

import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL variables of admission expressions, as kube declares them: webhook {@code matchConditions}
 * see {@code object}, {@code oldObject}, {@code request} and {@code authorizer} (with
 * {@code authorizer.requestResource}, {@link AuthorizerLibrary}); ValidatingAdmissionPolicies also
 * {@code params}, {@code namespaceObject} and {@code variables}. To run them, everything but the authorizer is
 * {@code dyn}; kube's policy type checker ({@link #typeCheckVars}) types {@code object} and {@code params} by their
 * kinds' schemas and {@code request} and {@code namespaceObject} by kube's hand-built types ({@link #structs}).
 * Pure.
 */
public final class AdmissionCel {

  /** kube's name of the type of {@code request} ({@code BuildRequestType}). */
  static final String REQUEST = "kubernetes.AdmissionRequest";
  /** kube's name of the type of {@code namespaceObject} ({@code BuildNamespaceType}). */
  static final String NAMESPACE = "kubernetes.Namespace";

  private static final Map<String, CelType> STRUCTS = buildStructs();

  private AdmissionCel() {
  }

  /** The variables of a webhook's matchConditions. */
  public static Map<String, CelType> webhookVars() {
    Map<String, CelType> vars = new LinkedHashMap<>();
    vars.put("object", SimpleType.DYN);
    vars.put("oldObject", SimpleType.DYN);
    vars.put("request", SimpleType.DYN);
    AuthorizerLibrary.declare(vars);
    return vars;
  }

  /** The variables of a ValidatingAdmissionPolicy's expressions. */
  public static Map<String, CelType> policyVars() {
    Map<String, CelType> vars = webhookVars();
    vars.put("params", SimpleType.DYN);
    vars.put("namespaceObject", SimpleType.DYN);
    vars.put("variables", MapType.create(SimpleType.STRING, SimpleType.DYN));
    return vars;
  }

  /**
   * The variables of kube's policy type checker (k8s.io/apiserver typechecking.go {@code buildEnvSet}):
   * {@code object} and {@code oldObject} of {@code object}'s type, {@code params} of {@code params}' type (null: the
   * policy has no paramKind, and no {@code params}), {@code request} and {@code namespaceObject} typed and
   * {@code authorizer} ({@link AdmissionCompileEnv#typeChecking} adds the {@code variables} struct). As kube's, it does not declare
   * {@code authorizer.requestResource}.
   */
  public static Map<String, CelType> typeCheckVars(CelType object, CelType params) {
    Map<String, CelType> vars = new LinkedHashMap<>();
    vars.put("namespaceObject", STRUCTS.get(NAMESPACE));
    vars.put("request", STRUCTS.get(REQUEST));
    vars.put("object", object);
    vars.put("oldObject", object);
    if (params != null) {
      vars.put("params", params);
    }
    vars.put("authorizer", AuthorizerLibrary.AUTHORIZER);
    return vars;
  }

  /** The struct types of {@code request} and {@code namespaceObject}, by name, for a type provider. */
  public static Map<String, CelType> structs() {
    return STRUCTS;
  }

  /** A struct type of {@code fields} in their order, named {@code name}. */
  public static CelType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = new LinkedHashMap<>(fields);
    return StructType.create(name, ImmutableSet.copyOf(copy.keySet()), f -> Optional.ofNullable(copy.get(f)));
  }

  /** kube's {@code BuildRequestType} and {@code BuildNamespaceType} (plugin/cel/compile.go). */
  private static Map<String, CelType> buildStructs() {
    CelType str = SimpleType.STRING;
    CelType strings = ListType.create(str);
    Map<String, CelType> out = new LinkedHashMap<>();
    CelType gvk = add(out, "kubernetes.GroupVersionKind", "group", str, "version", str, "kind", str);
    CelType gvr = add(out, "kubernetes.GroupVersionResource", "group", str, "version", str, "resource", str);
    CelType user = add(out, "kubernetes.UserInfo", "username", str, "uid", str, "groups", strings,
        "extra", MapType.create(str, strings));
    add(out, REQUEST, "kind", gvk, "resource", gvr, "subResource", str, "requestKind", gvk, "requestResource", gvr,
        "requestSubResource", str, "name", str, "namespace", str, "operation", str, "userInfo", user,
        "dryRun", SimpleType.BOOL, "options", SimpleType.DYN);
    CelType spec = add(out, "kubernetes.NamespaceSpec", "finalizers", strings);
    CelType condition = add(out, "kubernetes.NamespaceCondition", "status", str, "type", str,
        "lastTransitionTime", SimpleType.TIMESTAMP, "message", str, "reason", str);
    CelType status = add(out, "kubernetes.NamespaceStatus", "conditions", ListType.create(condition), "phase", str);
    CelType metadata = add(out, "kubernetes.NamespaceMetadata", "name", str, "generateName", str, "namespace", str,
        "labels", MapType.create(str, str), "annotations", MapType.create(str, str), "UID", str,
        "creationTimestamp", SimpleType.TIMESTAMP, "deletionGracePeriodSeconds", SimpleType.INT,
        "deletionTimestamp", SimpleType.TIMESTAMP, "generation", SimpleType.INT, "resourceVersion", str,
        "finalizers", strings);
    add(out, NAMESPACE, "metadata", metadata, "spec", spec, "status", status);
    return Map.copyOf(out);
  }

  private static CelType add(Map<String, CelType> out, String name, Object... namesAndTypes) {
    Map<String, CelType> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      fields.put((String) namesAndTypes[i], (CelType) namesAndTypes[i + 1]);
    }
    CelType t = struct(name, fields);
    out.put(name, t);
    return t;
  }
}
