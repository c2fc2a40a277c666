package io.dekube.scheduler.plugins.helper;

import io.dekube.scheduler.api.Handle;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code helper.DefaultSelector}: the selector of the pods "like" this one, for PodTopologySpread's default
 * constraints — the selectors of the Services of its namespace that select it (a Service without a selector selects
 * nothing), merged, plus its controller's when that is a {@code v1} ReplicationController (its selector map merged),
 * an {@code apps/v1} ReplicaSet or StatefulSet (its selector's requirements added). Null when that leaves nothing
 * (no Service, no such controller): kube then adds no default constraint. Reads the handle's listers only. Pure.
 */
public final class DefaultSelector {

  private DefaultSelector() {
  }

  /** The pod's default selector, or null when it is empty. */
  public static LabelSelector of(Pod pod, Handle handle) {
    if (handle == null) {
      return null;
    }
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> set = new LinkedHashMap<>();
    for (Service s : handle.services(ns)) {
      Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
      if (sel != null && Selectors.matches(new LabelSelector(null, sel), labels)) {
        set.putAll(sel);
      }
    }
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    OwnerReference owner = controller(pod);
    if (owner != null) {
      HasMetadata w = handle.workload(kind(owner), ns, owner.getName());
      if (w instanceof ReplicationController rc && rc.getSpec() != null && rc.getSpec().getSelector() != null) {
        set.putAll(rc.getSpec().getSelector());
      } else if (w instanceof ReplicaSet rs && rs.getSpec() != null) {
        add(rs.getSpec().getSelector(), set, exprs);
      } else if (w instanceof StatefulSet ss && ss.getSpec() != null) {
        add(ss.getSpec().getSelector(), set, exprs);
      }
    }
    if (set.isEmpty() && exprs.isEmpty()) {
      return null;
    }
    return new LabelSelector(exprs.isEmpty() ? null : exprs, set.isEmpty() ? null : set);
  }

  /**
   * The kind kube's switch accepts for an owner reference ({@code ReplicationController} of {@code v1},
   * {@code ReplicaSet} or {@code StatefulSet} of {@code apps/v1}), or null for any other.
   */
  static String kind(OwnerReference owner) {
    String gv = owner.getApiVersion() == null ? "" : owner.getApiVersion();
    String k = owner.getKind() == null ? "" : owner.getKind();
    if (gv.equals("v1") && k.equals("ReplicationController")) {
      return k;
    }
    if (gv.equals("apps/v1") && (k.equals("ReplicaSet") || k.equals("StatefulSet"))) {
      return k;
    }
    return null;
  }

  /**
   * A label selector's requirements added to the selector being built: its matchLabels become requirements too, so a
   * key that a Service already set to another value selects nothing, as kube's added {@code key=value} requirement.
   */
  private static void add(LabelSelector s, Map<String, String> set, List<LabelSelectorRequirement> exprs) {
    if (s == null) {
      return;
    }
    if (s.getMatchLabels() != null) {
      s.getMatchLabels().forEach((k, v) -> {
        String had = set.putIfAbsent(k, v);
        if (had != null && !had.equals(v)) {
          exprs.add(new LabelSelectorRequirement(k, "In", List.of(v)));
        }
      });
    }
    if (s.getMatchExpressions() != null) {
      exprs.addAll(s.getMatchExpressions());
    }
  }

  private static OwnerReference controller(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    if (refs == null) {
      return null;
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
  }
}
