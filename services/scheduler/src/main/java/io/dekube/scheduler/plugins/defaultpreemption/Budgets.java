package io.dekube.scheduler.plugins.defaultpreemption;

import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which preemption victims would break a PodDisruptionBudget (kube's
 * {@code filterPodsWithPDBViolation}): each budget's {@code disruptionsAllowed} is spent by the
 * victims it selects, in order; a victim that takes a budget below zero violates it. Pods already
 * in a budget's {@code disruptedPods} were counted by the apiserver and spend nothing; a budget
 * with no or an empty selector matches nothing here, as in kube's preemption. Pure.
 */
final class Budgets {

  /** Higher priority first, then the one that started earlier (kube's {@code MoreImportantPod}). */
  static final Comparator<Pod> MORE_IMPORTANT = Comparator.comparingInt(Victims::priority).reversed()
      .thenComparing(Budgets::startTime, Comparator.nullsLast(Comparator.naturalOrder()));

  /** Victims split into those that violate a budget and the others, each in the given order. */
  record Split(List<Pod> violating, List<Pod> nonViolating) {
  }

  private Budgets() {
  }

  static Split split(List<Pod> victims, List<PodDisruptionBudget> budgets) {
    int[] allowed = new int[budgets.size()];
    for (int i = 0; i < budgets.size(); i++) {
      var s = budgets.get(i).getStatus();
      allowed[i] = s == null || s.getDisruptionsAllowed() == null ? 0 : s.getDisruptionsAllowed();
    }
    List<Pod> violating = new ArrayList<>();
    List<Pod> nonViolating = new ArrayList<>();
    for (Pod p : victims) {
      Map<String, String> labels = p.getMetadata().getLabels();
      boolean violates = false;
      if (labels != null && !labels.isEmpty()) {
        for (int i = 0; i < budgets.size(); i++) {
          PodDisruptionBudget b = budgets.get(i);
          if (!java.util.Objects.equals(b.getMetadata().getNamespace(), p.getMetadata().getNamespace())
              || !matches(b.getSpec() == null ? null : b.getSpec().getSelector(), labels)) {
            continue;
          }
          var disrupted = b.getStatus() == null ? null : b.getStatus().getDisruptedPods();
          if (disrupted != null && disrupted.containsKey(p.getMetadata().getName())) {
            continue;
          }
          allowed[i]--;
          if (allowed[i] < 0) {
            violates = true;
          }
        }
      }
      (violates ? violating : nonViolating).add(p);
    }
    return new Split(violating, nonViolating);
  }

  /** Whether a non-empty selector selects the labels (nil and empty select nothing). */
  static boolean matches(LabelSelector s, Map<String, String> labels) {
    return s != null && !Selectors.isEmpty(s) && Selectors.matches(s, labels);
  }

  private static String startTime(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getStartTime();
  }
}
