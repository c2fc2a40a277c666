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
  private final Map<String, CelType> structs;
  /** The name of the {@code variables} struct type; null in a stateless environment (no {@code variables}). */
  private final String variablesType;
  private final Map<String, CelType> fields = new LinkedHashMap<>();

  private AdmissionCompileEnv(Map<String, CelType> base, Map<String, CelType> structs, boolean composited) {
    this.base = base;
    this.structs = structs;
    this.variablesType = composited ? "kubernetes.variables" + NAMES.incrementAndGet() : null;
  }

  private static AdmissionCompileEnv created(boolean hasParams, boolean composited) {
    Map<String, CelType> vars = new LinkedHashMap<>();
    if (hasParams) {
      vars.put("params", SimpleType.DYN);
    }
    AuthorizerLibrary.declare(vars);
    vars.put("object", SimpleType.DYN);
    vars.put("oldObject", SimpleType.DYN);
    vars.put("namespaceObject", AdmissionCel.structs().get(AdmissionCel.NAMESPACE));
    vars.put("request", AdmissionCel.structs().get(AdmissionCel.REQUEST));
    return new AdmissionCompileEnv(vars, AdmissionCel.structs(), composited);
  }

  /** kube's stateless compiler (matchConditions): no {@code variables}. */
  public static AdmissionCompileEnv stateless(boolean hasParams) {
    return created(hasParams, false);
  }

  /** kube's composited compiler of a policy's variables, validations and audit annotations. */
  public static AdmissionCompileEnv composited(boolean hasParams) {
    return created(hasParams, true);
  }

  /**
   * The composited environment of kube's policy type checker for one kind: {@code object} and {@code oldObject} of
   * {@code object}'s type, {@code params} of {@code params}' (null: undeclared), the rest as
   * {@link AdmissionCel#typeCheckVars}; {@code structs} every struct type these name.
   */
  public static AdmissionCompileEnv typeChecking(CelType object, CelType params, Map<String, CelType> structs) {
    return new AdmissionCompileEnv(AdmissionCel.typeCheckVars(object, params), Map.copyOf(structs), true);
  }

  /** {@code expr} compiled with the variables stored so far; {@code wantBool} demands a boolean result. */
  public CelEngine.Compiled compile(String expr, boolean wantBool) {
    Map<String, CelType> vars = new LinkedHashMap<>(base);
    return CelEngine.compile(expr, vars, provider(vars), wantBool);
  }

  /** {@code expr} type-checked with the variables stored so far, without a program (kube's type checker). */
  public CelEngine.Checked check(String expr) {
    Map<String, CelType> vars = new LinkedHashMap<>(base);
    return CelEngine.check(expr, vars, provider(vars));
  }

  /** The struct types, with {@code variables} (declared into {@code vars}) of the fields stored so far. */
  private dev.cel.common.types.CelTypeProvider provider(Map<String, CelType> vars) {
    Map<String, CelType> all = new LinkedHashMap<>(structs);
    if (variablesType != null) {
      CelType variables = AdmissionCel.struct(variablesType, fields);
      vars.put("variables", variables);
      all.put(variablesType, variables);
    }
    return SchemaTypes.provider(all);
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

  /** As {@link #compileAndStoreVariable}, type-checked only. */
  public CelEngine.Checked checkAndStoreVariable(String name, String expr) {
    CelEngine.Checked c = check(expr);
    fields.put(name, c.type() == null ? SimpleType.DYN : c.type());
    return c;
  }
}
