package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Evaluates a pod (or a pod template) against a level: the checks of kube 1.32's pod-security-admission
 * policy, in kube's order (its check files in name order), each from the policy version that
 * introduced it. Baseline runs the baseline checks; restricted runs the baseline checks that restricted
 * does not tighten, then its own (so a hostPath volume reads "restricted volume types", not also
 * "hostPath volumes"). A version newer than 1.32 is evaluated as latest. Pure and thread-safe.
 */
public final class PodSecurityEvaluator {

  /** One check: its kind decides at which levels it runs; {@code since} is the first policy version it is in. */
  private record Check(Kind kind, int since, CheckFn fn) {
  }

  private enum Kind { BASELINE, BASELINE_TIGHTENED_BY_RESTRICTED, RESTRICTED }

  @FunctionalInterface
  private interface CheckFn {
    Violation check(JsonNode meta, JsonNode spec, int minor);
  }

  private static final List<Check> CHECKS = List.of(
      new Check(Kind.RESTRICTED, 8, RestrictedChecks::allowPrivilegeEscalation),
      new Check(Kind.BASELINE, 0, BaselineChecks::appArmor),
      new Check(Kind.BASELINE_TIGHTENED_BY_RESTRICTED, 0, BaselineChecks::capabilities),
      new Check(Kind.RESTRICTED, 22, RestrictedChecks::capabilities),
      new Check(Kind.BASELINE, 0, BaselineChecks::hostNamespaces),
      new Check(Kind.BASELINE_TIGHTENED_BY_RESTRICTED, 0, BaselineChecks::hostPathVolumes),
      new Check(Kind.BASELINE, 0, BaselineChecks::hostPorts),
      new Check(Kind.BASELINE, 0, BaselineChecks::privileged),
      new Check(Kind.BASELINE, 0, BaselineChecks::procMount),
      new Check(Kind.RESTRICTED, 0, RestrictedChecks::volumes),
      new Check(Kind.RESTRICTED, 0, RestrictedChecks::runAsNonRoot),
      new Check(Kind.RESTRICTED, 23, RestrictedChecks::runAsUser),
      new Check(Kind.BASELINE, 0, BaselineChecks::seLinuxOptions),
      new Check(Kind.BASELINE_TIGHTENED_BY_RESTRICTED, 19, BaselineChecks::seccompProfile),
      new Check(Kind.RESTRICTED, 19, RestrictedChecks::seccompProfile),
      new Check(Kind.BASELINE, 0, BaselineChecks::sysctls),
      new Check(Kind.BASELINE, 0, BaselineChecks::windowsHostProcess));

  private PodSecurityEvaluator() {
  }

  /** What {@code spec} (with its object's or template's {@code meta}) violates of {@code lv}; empty when it passes. */
  public static List<Violation> evaluate(LevelVersion lv, JsonNode meta, JsonNode spec) {
    List<Violation> found = new ArrayList<>();
    if (lv.level() == Level.PRIVILEGED || spec == null || !spec.isObject()) {
      return found;
    }
    boolean restricted = lv.level() == Level.RESTRICTED;
    for (Kind pass : new Kind[] {Kind.BASELINE, restricted ? Kind.RESTRICTED : Kind.BASELINE_TIGHTENED_BY_RESTRICTED}) {
      for (Check c : CHECKS) {
        if (c.kind() == pass && lv.minor() >= c.since()) {
          Violation v = c.fn().check(meta == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : meta, spec, lv.minor());
          if (v != null) {
            found.add(v);
          }
        }
      }
    }
    return found;
  }

  /** {@code privileged (container "c" must not ...), hostPath volumes (volume "v")}: what a single pod is told. */
  public static String detail(List<Violation> violations) {
    return violations.stream().map(Violation::withDetail).collect(Collectors.joining(", "));
  }

  /** {@code privileged, hostPath volumes}: the reasons alone, as the check of a namespace's pods words them. */
  public static String reasons(List<Violation> violations) {
    return violations.stream().map(Violation::reason).collect(Collectors.joining(", "));
  }
}
