package io.dekube.scheduler.testing;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A fluent pod builder for plugin tests, as kube's {@code st.MakePod()}. */
public final class MakePod {

  private final Pod pod = new Pod();
  private int containers;

  private MakePod() {
    pod.setMetadata(new ObjectMeta());
    pod.getMetadata().setNamespace("default");
    pod.setSpec(new PodSpec());
    pod.getSpec().setContainers(new ArrayList<>());
  }

  public static MakePod pod(String name) {
    return new MakePod().name(name);
  }

  public MakePod name(String n) {
    pod.getMetadata().setName(n);
    pod.getMetadata().setUid("uid-" + n);
    return this;
  }

  public MakePod namespace(String ns) {
    pod.getMetadata().setNamespace(ns);
    return this;
  }

  public MakePod label(String k, String v) {
    if (pod.getMetadata().getLabels() == null) {
      pod.getMetadata().setLabels(new HashMap<>());
    }
    pod.getMetadata().getLabels().put(k, v);
    return this;
  }

  public MakePod owned() {
    OwnerReference r = new OwnerReference();
    r.setKind("ReplicaSet");
    r.setName("rs");
    r.setUid("rs-uid");
    r.setController(true);
    pod.getMetadata().setOwnerReferences(List.of(r));
    return this;
  }

  /** A controller owner reference of this apiVersion, kind and name. */
  public MakePod ownedBy(String apiVersion, String kind, String name) {
    OwnerReference r = new OwnerReference();
    r.setApiVersion(apiVersion);
    r.setKind(kind);
    r.setName(name);
    r.setUid(name + "-uid");
    r.setController(true);
    pod.getMetadata().setOwnerReferences(List.of(r));
    return this;
  }

  /** {@code status.nominatedNodeName}. */
  public MakePod nominated(String node) {
    if (pod.getStatus() == null) {
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    pod.getStatus().setNominatedNodeName(node);
    return this;
  }

  /** A volume {@code name} from the PersistentVolumeClaim {@code claim}. */
  public MakePod claim(String name, String claim) {
    if (pod.getSpec().getVolumes() == null) {
      pod.getSpec().setVolumes(new ArrayList<>());
    }
    pod.getSpec().getVolumes().add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(name)
        .withNewPersistentVolumeClaim(claim, false).build());
    return this;
  }

  /** A container running {@code image}. */
  public MakePod image(String image) {
    req();
    pod.getSpec().getContainers().get(pod.getSpec().getContainers().size() - 1).setImage(image);
    return this;
  }

  public MakePod node(String n) {
    pod.getSpec().setNodeName(n);
    return this;
  }

  public MakePod priority(int p) {
    pod.getSpec().setPriority(p);
    return this;
  }

  public MakePod preemptionPolicy(String p) {
    pod.getSpec().setPreemptionPolicy(p);
    return this;
  }

  /** A container requesting resources, e.g. {@code req("cpu", "2", "memory", "1Gi")}. */
  public MakePod req(String... kv) {
    return container(kv, false);
  }

  /** An init container requesting resources. */
  public MakePod initReq(String... kv) {
    return container(kv, true);
  }

  private MakePod container(String[] kv, boolean init) {
    Map<String, Quantity> r = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      r.put(kv[i], new Quantity(kv[i + 1]));
    }
    Container c = new Container();
    c.setName("c" + containers++);
    c.setImage("dekube/web");
    ResourceRequirements rr = new ResourceRequirements();
    rr.setRequests(r);
    c.setResources(rr);
    if (init) {
      if (pod.getSpec().getInitContainers() == null) {
        pod.getSpec().setInitContainers(new ArrayList<>());
      }
      pod.getSpec().getInitContainers().add(c);
    } else {
      pod.getSpec().getContainers().add(c);
    }
    return this;
  }

  public MakePod overhead(String k, String v) {
    pod.getSpec().setOverhead(Map.of(k, new Quantity(v)));
    return this;
  }

  public MakePod hostPort(int port) {
    if (pod.getSpec().getContainers().isEmpty()) {
      req();
    }
    ContainerPort p = new ContainerPort();
    p.setContainerPort(port);
    p.setHostPort(port);
    p.setProtocol("TCP");
    pod.getSpec().getContainers().get(0).setPorts(List.of(p));
    return this;
  }

  public MakePod nodeSelector(String k, String v) {
    if (pod.getSpec().getNodeSelector() == null) {
      pod.getSpec().setNodeSelector(new HashMap<>());
    }
    pod.getSpec().getNodeSelector().put(k, v);
    return this;
  }

  private Affinity affinity() {
    if (pod.getSpec().getAffinity() == null) {
      pod.getSpec().setAffinity(new Affinity());
    }
    return pod.getSpec().getAffinity();
  }

  /** A required node affinity term with one expression. */
  public MakePod nodeAffinityIn(String key, String op, String... values) {
    NodeSelectorTerm t = new NodeSelectorTerm(List.of(new NodeSelectorRequirement(key, op, List.of(values))), null);
    Affinity a = affinity();
    if (a.getNodeAffinity() == null) {
      a.setNodeAffinity(new io.fabric8.kubernetes.api.model.NodeAffinity());
    }
    if (a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      a.getNodeAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(
          new io.fabric8.kubernetes.api.model.NodeSelector(new ArrayList<>()));
    }
    a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().add(t);
    return this;
  }

  /** A preferred node affinity term. */
  public MakePod preferNode(int weight, String key, String value) {
    NodeSelectorTerm t = new NodeSelectorTerm(List.of(new NodeSelectorRequirement(key, "In", List.of(value))), null);
    Affinity a = affinity();
    if (a.getNodeAffinity() == null) {
      a.setNodeAffinity(new io.fabric8.kubernetes.api.model.NodeAffinity());
    }
    if (a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      a.getNodeAffinity().setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
    }
    a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().add(new PreferredSchedulingTerm(t, weight));
    return this;
  }

  public MakePod toleration(String key, String op, String value, String effect) {
    if (pod.getSpec().getTolerations() == null) {
      pod.getSpec().setTolerations(new ArrayList<>());
    }
    pod.getSpec().getTolerations().add(new Toleration(effect, key, op, null, value));
    return this;
  }

  private static PodAffinityTerm term(String labelKey, String labelValue, String topologyKey) {
    PodAffinityTerm t = new PodAffinityTerm();
    t.setLabelSelector(new LabelSelector(null, Map.of(labelKey, labelValue)));
    t.setTopologyKey(topologyKey);
    return t;
  }

  public MakePod podAffinity(String labelKey, String labelValue, String topologyKey) {
    Affinity a = affinity();
    if (a.getPodAffinity() == null) {
      a.setPodAffinity(new io.fabric8.kubernetes.api.model.PodAffinity(null, new ArrayList<>()));
    }
    a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().add(term(labelKey, labelValue, topologyKey));
    return this;
  }

  public MakePod podAntiAffinity(String labelKey, String labelValue, String topologyKey) {
    Affinity a = affinity();
    if (a.getPodAntiAffinity() == null) {
      a.setPodAntiAffinity(new io.fabric8.kubernetes.api.model.PodAntiAffinity(new ArrayList<>(), new ArrayList<>()));
    }
    a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .add(term(labelKey, labelValue, topologyKey));
    return this;
  }

  public MakePod preferPodAffinity(int weight, String labelKey, String labelValue, String topologyKey) {
    Affinity a = affinity();
    if (a.getPodAffinity() == null) {
      a.setPodAffinity(new io.fabric8.kubernetes.api.model.PodAffinity(new ArrayList<>(), new ArrayList<>()));
    }
    a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
        .add(new WeightedPodAffinityTerm(term(labelKey, labelValue, topologyKey), weight));
    return this;
  }

  public MakePod spread(int maxSkew, String topologyKey, String when, String labelKey, String labelValue) {
    if (pod.getSpec().getTopologySpreadConstraints() == null) {
      pod.getSpec().setTopologySpreadConstraints(new ArrayList<>());
    }
    TopologySpreadConstraint c = new TopologySpreadConstraint();
    c.setMaxSkew(maxSkew);
    c.setTopologyKey(topologyKey);
    c.setWhenUnsatisfiable(when);
    c.setLabelSelector(new LabelSelector(null, Map.of(labelKey, labelValue)));
    pod.getSpec().getTopologySpreadConstraints().add(c);
    return this;
  }

  public Pod obj() {
    return pod;
  }
}
