package io.dekube.store.cel;

import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CEL variables of admission expressions, as kube declares them: webhook {@code matchConditions}
 * see {@code object}, {@code oldObject}, {@code request} and {@code authorizer} (with
 * {@code authorizer.requestResource}, {@link AuthorizerLibrary}); ValidatingAdmissionPolicies also
 * {@code params}, {@code namespaceObject} and {@code variables}. Objects are {@code dyn} (dekube
 * does not type them by kind's schema). Pure.
 */
public final class AdmissionCel {

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
}
