package io.dekube.store.cel;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The environment kube-apiserver 1.32 compiles admission expressions in when a webhook configuration or a
 * ValidatingAdmissionPolicy is written (k8s.io/apiserver plugin/cel {@code mustBuildEnvs} and its composited compiler):
 * {@code object} and {@code oldObject} are {@code dyn}, {@code request} and {@code namespaceObject} have kube's
 * hand-built types ({@code kubernetes.AdmissionRequest}, {@code kubernetes.Namespace}: {@code request.operaton} does
 * not compile), {@code params} is declared only for a policy with a paramKind, {@code authorizer} and
 * {@code authorizer.requestResource} always; a composited environment also declares {@code variables}, whose fields are
 * the variables stored so far ({@link #compileAndStoreVariable}), each of the type it compiled to ({@code dyn} when it
 * did not), so that a variable sees only those before it. The runtime compiles with {@link AdmissionCel}'s
 * {@code dyn} declarations: a stored expression passed this environment. Not thread-safe: one per validation.
 */
public final class AdmissionCompileEnv {

  private static final AtomicLong NAMES = new AtomicLong();

  private final Map<String, CelType> base;
  /** The name of the {@code variables} struct type; null in a stateless environment (no {@code variables}). */
  private final String variablesType;
  private final Map<String, CelType> fields = new LinkedHashMap<>();

  private AdmissionCompileEnv(boolean hasParams, boolean composited) {
    Map<String, CelType> vars = new LinkedHashMap<>();
    if (hasParams) {
      vars.put("params", SimpleType.DYN);
    }
    AuthorizerLibrary.declare(vars);
    vars.put("object", SimpleType.DYN);
    vars.put("oldObject", SimpleType.DYN);
    vars.put("namespaceObject", AdmissionCel.structs().get(AdmissionCel.NAMESPACE));
    vars.put("request", AdmissionCel.structs().get(AdmissionCel.REQUEST));
    this.base = vars;
    this.variablesType = composited ? "kubernetes.variables" + NAMES.incrementAndGet() : null;
  }

  /** kube's stateless compiler (matchConditions): no {@code variables}. */
  public static AdmissionCompileEnv stateless(boolean hasParams) {
    return new AdmissionCompileEnv(hasParams, false);
  }

  /** kube's composited compiler of a policy's variables, validations and audit annotations. */
  public static AdmissionCompileEnv composited(boolean hasParams) {
    return new AdmissionCompileEnv(hasParams, true);
  }

  /** {@code expr} compiled with the variables stored so far; {@code wantBool} demands a boolean result. */
  public CelEngine.Compiled compile(String expr, boolean wantBool) {
    Map<String, CelType> vars = new LinkedHashMap<>(base);
    Map<String, CelType> structs = new LinkedHashMap<>(AdmissionCel.structs());
    if (variablesType != null) {
      CelType variables = AdmissionCel.struct(variablesType, fields);
      vars.put("variables", variables);
      structs.put(variablesType, variables);
    }
    return CelEngine.compile(expr, vars, SchemaTypes.provider(structs), wantBool);
  }

  /**
   * The variable {@code name} compiled with those before it, then stored as a field of {@code variables} of the type
   * it compiled to ({@code dyn} when it did not, as kube's composition environment keeps it).
   */
  public CelEngine.Compiled compileAndStoreVariable(String name, String expr) {
    CelEngine.Compiled c = compile(expr, false);
    fields.put(name, c.ok() ? c.program().resultType() : SimpleType.DYN);
    return c;
  }
}
