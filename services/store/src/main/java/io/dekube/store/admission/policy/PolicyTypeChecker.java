package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import io.dekube.store.cel.AdmissionCel;
import io.dekube.store.cel.AdmissionCompileEnv;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.SchemaTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube 1.32's ValidatingAdmissionPolicy type checker (k8s.io/apiserver plugin/policy/validating/typechecking.go),
 * which kube-controller-manager's validatingadmissionpolicy-status controller runs once per generation: the kinds
 * the policy's {@code matchConstraints.resourceRules} name (a rule with a {@code *} group or version is skipped,
 * and so are {@code *} and subresource entries of its resources; at most 10 kinds per rule; sorted by group,
 * version, kind) that have a schema are each one environment where {@code object} and {@code oldObject} have the
 * kind's type ({@link SchemaTypes}, as kube's {@code SchemaDeclType} of the resource root), {@code params} the
 * paramKind's (dyn without a schema; undeclared without a paramKind), {@code request} and {@code namespaceObject}
 * kube's hand-built types, {@code variables} the types of the policy's variables compiled in order. As kube's,
 * only {@code spec.validations[i].expression} and {@code .messageExpression} are checked, and only for compile
 * errors (no result type is demanded): each failing one is an {@link ExpressionWarning} whose text is, per kind,
 * {@code apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'} with CEL's source lines, each
 * kind's block ending in a newline and the blocks joined by another. Type checking never changes what the policy
 * does. Pure (the schemas come from the caller); CPU-bound: call it off the event loop.
 */
public final class PolicyTypeChecker {

  /** kube's {@code maxTypesToCheck}: the most kinds one rule contributes. */
  static final int MAX_TYPES_TO_CHECK = 10;

  /** A group, version and kind; printed as kube prints a {@code schema.GroupVersionKind}. */
  public record Gvk(String group, String version, String kind) {
    @Override
    public String toString() {
      return group + "/" + version + ", Kind=" + kind;
    }
  }

  /** One entry of {@code status.typeChecking.expressionWarnings}. */
  public record ExpressionWarning(String fieldRef, String warning) {
  }

  /** Where the checker learns kinds and their schemas: kube's RESTMapper and schema resolver. */
  public interface Schemas {

    /** The kinds a group, version and resource name (kube's {@code KindsFor}); empty when none is served. */
    List<Gvk> kindsFor(String group, String version, String resource);

    /** The kind's OpenAPI schema with every reference resolved, or null when it has none. */
    JsonNode schema(Gvk gvk);
  }

  private PolicyTypeChecker() {
  }

  /** The warnings of {@code policy} (a ValidatingAdmissionPolicy as JSON); empty when every expression checks. */
  public static List<ExpressionWarning> check(JsonNode policy, Schemas schemas) {
    JsonNode spec = policy.path("spec");
    List<Env> envs = new ArrayList<>();
    Gvk paramKind = paramKind(spec.path("paramKind"));
    JsonNode paramSchema = paramKind == null ? null : schemas.schema(paramKind);
    for (Gvk gvk : typesToCheck(spec, schemas)) {
      JsonNode schema = schemas.schema(gvk);
      if (schema != null) {
        envs.add(Env.of(gvk, schema, paramKind != null, paramSchema, spec.path("variables")));
      }
    }
    List<ExpressionWarning> out = new ArrayList<>();
    JsonNode validations = spec.path("validations");
    for (int i = 0; i < validations.size(); i++) {
      JsonNode v = validations.get(i);
      warn(out, "spec.validations[" + i + "].expression", v.path("expression").asText(""), envs);
      String message = v.path("messageExpression").asText("");
      if (!message.isEmpty()) {
        warn(out, "spec.validations[" + i + "].messageExpression", message, envs);
      }
    }
    return out;
  }

  private static void warn(List<ExpressionWarning> out, String fieldRef, String expression, List<Env> envs) {
    List<String> results = new ArrayList<>();
    for (Env env : envs) {
      String issues = env.check(expression).issues();
      if (issues != null) {
        results.add(env.gvk() + ": " + issues + "\n");
      }
    }
    if (!results.isEmpty()) {
      out.add(new ExpressionWarning(fieldRef, String.join("\n", results)));
    }
  }

  /** kube's {@code paramsGVK}: null without a paramKind or with an apiVersion that does not parse. */
  static Gvk paramKind(JsonNode paramKind) {
    if (!paramKind.isObject()) {
      return null;
    }
    String apiVersion = paramKind.path("apiVersion").asText("");
    String kind = paramKind.path("kind").asText("");
    String[] gv = apiVersion.split("/", -1);
    if (gv.length > 2 || (apiVersion.isEmpty() && kind.isEmpty())) {
      return null;
    }
    return gv.length == 2 ? new Gvk(gv[0], gv[1], kind) : new Gvk("", apiVersion, kind);
  }

  /** kube's {@code typesToCheck}: the kinds of the resource rules, as described above. */
  static List<Gvk> typesToCheck(JsonNode spec, Schemas schemas) {
    TreeSet<Gvk> gvks = new TreeSet<>(Comparator.comparing(Gvk::group).thenComparing(Gvk::version)
        .thenComparing(Gvk::kind));
    for (JsonNode rule : spec.path("matchConstraints").path("resourceRules")) {
      List<String> groups = exact(rule.path("apiGroups"));
      List<String> versions = exact(rule.path("apiVersions"));
      List<String> resources = new ArrayList<>();
      rule.path("resources").forEach(r -> {
        if (!r.asText().contains("*") && !r.asText().contains("/")) {
          resources.add(r.asText());
        }
      });
      if (groups.isEmpty() || versions.isEmpty() || resources.isEmpty()) {
        continue;
      }
      int count = 0;
      for (String group : sorted(groups)) {
        for (String version : sorted(versions)) {
          for (String resource : sorted(resources)) {
            for (Gvk gvk : schemas.kindsFor(group, version, resource)) {
              gvks.add(gvk);
              if (++count == MAX_TYPES_TO_CHECK) {
                return List.copyOf(gvks);
              }
            }
          }
        }
      }
    }
    return List.copyOf(gvks);
  }

  /** The entries of a list, or none when one is a wildcard (kube gives up on such a rule). */
  private static List<String> exact(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : list) {
      if (e.asText().contains("*")) {
        return List.of();
      }
      out.add(e.asText());
    }
    return out;
  }

  private static List<String> sorted(List<String> in) {
    return in.stream().sorted().toList();
  }

  /** One kind's environment: kube's composited type-checking environment with the policy's variables stored. */
  private record Env(Gvk gvk, AdmissionCompileEnv env) {

    static Env of(Gvk gvk, JsonNode schema, boolean hasParams, JsonNode paramSchema, JsonNode variables) {
      Map<String, CelType> structs = new LinkedHashMap<>(AdmissionCel.structs());
      CelType object = declared(SchemaTypes.of(schema, true), structs);
      CelType params = !hasParams ? null
          : paramSchema == null ? SimpleType.DYN : declared(SchemaTypes.of(paramSchema, true), structs);
      // kube's composition env: each variable sees those before it, typed by what it compiled to (dyn if it did not)
      AdmissionCompileEnv env = AdmissionCompileEnv.typeChecking(object, params, structs);
      for (JsonNode v : variables) {
        env.checkAndStoreVariable(v.path("name").asText(""), v.path("expression").asText(""));
      }
      return new Env(gvk, env);
    }

    private static CelType declared(SchemaTypes.Declared d, Map<String, CelType> structs) {
      structs.putAll(d.structs());
      return d.type();
    }

    CelEngine.Checked check(String expression) {
      return env.check(expression);
    }
  }
}
