package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.store.cel.AdmissionCompileEnv;
import io.dekube.store.cel.CelEngine;
import java.util.HashSet;
import java.util.Set;

/**
 * kube's validation of {@code matchConditions} (of webhooks and of ValidatingAdmissionPolicies): at
 * most 64, each with a unique qualified {@code name} and an {@code expression} that compiles to a
 * bool in kube's create-time environment ({@link AdmissionCompileEnv}). Pure.
 */
final class MatchConditionsValidation {

  static final int MAX = 64;

  private MatchConditionsValidation() {
  }

  static void validate(JsonNode conditions, String path, AdmissionCompileEnv env, FieldErrors errs) {
    if (conditions == null || !conditions.isArray()) {
      return;
    }
    if (conditions.size() > MAX) {
      errs.add("FieldValueTooMany", path, "Too many: " + conditions.size() + ": must have at most " + MAX + " items");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode c = conditions.get(i);
      String at = path + "[" + i + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        errs.required(at + ".name");
      } else {
        Validators.qualifiedName(name).forEach(e -> errs.invalid(at + ".name", name, e));
        if (!names.add(name)) {
          errs.duplicate(at + ".name", c.get("name"));
        }
      }
      expression(c.path("expression").asText(""), at + ".expression", env, true, errs);
    }
  }

  /**
   * A required expression ({@code bool}: of a boolean result): kube's {@code compilation failed: ...}
   * when it does not compile.
   */
  static void expression(String expr, String path, AdmissionCompileEnv env, boolean bool, FieldErrors errs) {
    if (expr.isBlank()) {
      errs.required(path);
      return;
    }
    reported(env.compile(expr, bool), expr, path, errs);
  }

  /** A policy's variable: compiled with those before it and stored for those after it, as kube's composited compiler. */
  static void variable(String name, String expr, String path, AdmissionCompileEnv env, FieldErrors errs) {
    if (expr.isBlank()) {
      errs.required(path);
      return;
    }
    reported(env.compileAndStoreVariable(name, expr), expr, path, errs);
  }

  private static void reported(CelEngine.Compiled c, String expr, String path, FieldErrors errs) {
    if (!c.ok()) {
      errs.invalid(path, expr, c.error());
    }
  }
}
