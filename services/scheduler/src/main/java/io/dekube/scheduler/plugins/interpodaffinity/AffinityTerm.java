package io.dekube.scheduler.plugins.interpodaffinity;

import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One pod (anti-)affinity term, resolved: the namespaces it looks at (its {@code namespaces}, plus
 * those its {@code namespaceSelector} matches; the pod's own namespace when it has neither), its
 * label selector, topology key and weight (1 for required terms). Immutable.
 */
record AffinityTerm(Set<String> namespaces, LabelSelector namespaceSelector, LabelSelector selector,
                    String topologyKey, int weight) {

  /** Whether a pod is one this term selects. */
  boolean matches(Pod p, Function<String, Map<String, String>> namespaceLabels) {
    String ns = p.getMetadata().getNamespace();
    boolean inNamespace = namespaces.contains(ns)
        || (namespaceSelector != null && Selectors.matches(namespaceSelector, namespaceLabels.apply(ns)));
    return inNamespace && Selectors.matches(selector, p.getMetadata().getLabels());
  }

  static AffinityTerm of(PodAffinityTerm t, String podNamespace, int weight) {
    Set<String> ns = new HashSet<>(t.getNamespaces() == null ? List.of() : t.getNamespaces());
    if (ns.isEmpty() && t.getNamespaceSelector() == null) {
      ns.add(podNamespace);
    }
    return new AffinityTerm(ns, t.getNamespaceSelector(), t.getLabelSelector(), t.getTopologyKey(), weight);
  }

  /** The pod's required affinity terms. */
  static List<AffinityTerm> requiredAffinity(Pod pod) {
    Affinity a = affinity(pod);
    return a == null || a.getPodAffinity() == null ? List.of()
        : required(a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), pod);
  }

  /** The pod's required anti-affinity terms. */
  static List<AffinityTerm> requiredAntiAffinity(Pod pod) {
    Affinity a = affinity(pod);
    return a == null || a.getPodAntiAffinity() == null ? List.of()
        : required(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), pod);
  }

  /** The pod's preferred affinity terms. */
  static List<AffinityTerm> preferredAffinity(Pod pod) {
    Affinity a = affinity(pod);
    return a == null || a.getPodAffinity() == null ? List.of()
        : preferred(a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(), pod);
  }

  /** The pod's preferred anti-affinity terms. */
  static List<AffinityTerm> preferredAntiAffinity(Pod pod) {
    Affinity a = affinity(pod);
    return a == null || a.getPodAntiAffinity() == null ? List.of()
        : preferred(a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(), pod);
  }

  private static Affinity affinity(Pod pod) {
    return pod.getSpec() == null ? null : pod.getSpec().getAffinity();
  }

  private static List<AffinityTerm> required(List<PodAffinityTerm> terms, Pod pod) {
    List<AffinityTerm> out = new ArrayList<>();
    if (terms != null) {
      terms.forEach(t -> out.add(of(t, pod.getMetadata().getNamespace(), 1)));
    }
    return out;
  }

  private static List<AffinityTerm> preferred(List<WeightedPodAffinityTerm> terms, Pod pod) {
    List<AffinityTerm> out = new ArrayList<>();
    if (terms != null) {
      for (WeightedPodAffinityTerm t : terms) {
        if (t.getPodAffinityTerm() != null && t.getWeight() != null && t.getWeight() != 0) {
          out.add(of(t.getPodAffinityTerm(), pod.getMetadata().getNamespace(), t.getWeight()));
        }
      }
    }
    return out;
  }
}
