package io.dekube.controllermanager.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.util.List;

/**
 * What a Job's {@code podFailurePolicy} says of one failed pod, as kube's
 * {@code matchPodFailurePolicy}: the first rule that matches decides — {@code onExitCodes} (a
 * terminated container, app containers before init containers, with a non-zero exit code In / NotIn
 * the values, of the named container if one is named) or {@code onPodConditions} (a condition of that
 * type and status). {@code FailJob} fails the Job with a message naming the container or condition;
 * {@code Ignore} does not count the failure; {@code Count} and {@code FailIndex} count it. No rule
 * matching counts the failure. Pure.
 *
 * @param action         the matching rule's action, or null (no policy, or no rule matched)
 * @param failJobMessage the FailJob message, or null
 * @param counts         whether the failure counts against the backoff limits
 */
record FailurePolicyMatch(String action, String failJobMessage, boolean counts) {

  static final String FAIL_JOB = "FailJob";
  static final String FAIL_INDEX = "FailIndex";
  static final String IGNORE = "Ignore";
  static final String COUNT = "Count";

  private static final FailurePolicyMatch NO_MATCH = new FailurePolicyMatch(null, null, true);

  static FailurePolicyMatch of(PodFailurePolicy policy, Pod pod) {
    if (policy == null || policy.getRules() == null) {
      return NO_MATCH;
    }
    List<PodFailurePolicyRule> rules = policy.getRules();
    for (int i = 0; i < rules.size(); i++) {
      PodFailurePolicyRule rule = rules.get(i);
      String action = rule.getAction();
      if (rule.getOnExitCodes() != null) {
        ContainerStatus c = exitedWith(pod, rule.getOnExitCodes());
        if (c != null && known(action)) {
          return decide(action, "Container " + c.getName() + " for pod " + name(pod) + " failed with exit code "
              + c.getState().getTerminated().getExitCode() + " matching " + action + " rule at index " + i);
        }
      } else if (rule.getOnPodConditions() != null && !rule.getOnPodConditions().isEmpty()) {
        PodCondition c = condition(pod, rule.getOnPodConditions());
        if (c != null && known(action)) {
          return decide(action, "Pod " + name(pod) + " has condition " + c.getType() + " matching " + action
              + " rule at index " + i);
        }
      }
    }
    return NO_MATCH;
  }

  private static boolean known(String action) {
    return FAIL_JOB.equals(action) || FAIL_INDEX.equals(action) || IGNORE.equals(action) || COUNT.equals(action);
  }

  private static FailurePolicyMatch decide(String action, String message) {
    return switch (action) {
      case IGNORE -> new FailurePolicyMatch(IGNORE, null, false);
      case FAIL_JOB -> new FailurePolicyMatch(FAIL_JOB, message, true);
      default -> new FailurePolicyMatch(action, null, true);
    };
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static ContainerStatus exitedWith(Pod pod, PodFailurePolicyOnExitCodesRequirement req) {
    if (pod.getStatus() == null) {
      return null;
    }
    ContainerStatus c = exitedWith(pod.getStatus().getContainerStatuses(), req);
    return c != null ? c : exitedWith(pod.getStatus().getInitContainerStatuses(), req);
  }

  private static ContainerStatus exitedWith(List<ContainerStatus> statuses, PodFailurePolicyOnExitCodesRequirement req) {
    if (statuses == null) {
      return null;
    }
    for (ContainerStatus c : statuses) {
      if (c.getState() == null || c.getState().getTerminated() == null) {
        continue;
      }
      if (req.getContainerName() != null && !req.getContainerName().equals(c.getName())) {
        continue;
      }
      Integer code = c.getState().getTerminated().getExitCode();
      if (code != null && code != 0 && operatorMatches(code, req)) {
        return c;
      }
    }
    return null;
  }

  private static boolean operatorMatches(int code, PodFailurePolicyOnExitCodesRequirement req) {
    boolean listed = req.getValues() != null && req.getValues().contains(code);
    return switch (req.getOperator() == null ? "" : req.getOperator()) {
      case "In" -> listed;
      case "NotIn" -> !listed;
      default -> false;
    };
  }

  private static PodCondition condition(Pod pod, List<PodFailurePolicyOnPodConditionsPattern> patterns) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      for (PodFailurePolicyOnPodConditionsPattern p : patterns) {
        String status = p.getStatus() == null ? "True" : p.getStatus();
        if (c.getType() != null && c.getType().equals(p.getType()) && status.equals(c.getStatus())) {
          return c;
        }
      }
    }
    return null;
  }
}
