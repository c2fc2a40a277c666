package io.dekube.scheduler.plugins.podtopologyspread;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.testing.NoHandle;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PodTopologySpread's default constraints as kube's: the selector is the one of the Services and the controller
 * (ReplicationController, ReplicaSet, StatefulSet) that select the pod (kube's {@code helper.DefaultSelector}), not
 * the pod's own labels; the system defaults spread by hostname on nodes without a zone label; the args' List.
 */
class PodTopologySpreadDefaultsTest {

  /** A handle with nodes, Services and workloads, as kube's listers. */
  static final class Listers extends NoHandle {
    final List<NodeInfo> nodes;
    final List<Service> services = new ArrayList<>();
    final Map<String, HasMetadata> workloads = new LinkedHashMap<>();

    Listers(List<NodeInfo> nodes) {
      this.nodes = nodes;
    }

    @Override
    public List<NodeInfo> nodes() {
      return nodes;
    }

    @Override
    public List<Service> services(String namespace) {
      return services.stream().filter(s -> s.getMetadata().getNamespace().equals(namespace)).toList();
    }

    @Override
    public HasMetadata workload(String kind, String namespace, String name) {
      return workloads.get(kind + "/" + namespace + "/" + name);
    }

    Listers service(String ns, String key, String value) {
      services.add(new ServiceBuilder().withNewMetadata().withName("svc-" + value).withNamespace(ns).endMetadata()
          .withNewSpec().withSelector(Map.of(key, value)).endSpec().build());
      return this;
    }

    Listers workload(HasMetadata w) {
      workloads.put(w.getKind() + "/" + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), w);
      return this;
    }
  }

  /** Node a holds a v1 replica of app=web (not of version v2), b nothing; no zone labels. */
  static List<NodeInfo> nodes() {
    return List.of(node("a").info(pod("old").label("app", "web").label("version", "v1").obj()), node("b").info());
  }

  static Pod incoming() {
    return pod("new").label("app", "web").label("version", "v2").obj();
  }

  static Stream<Arguments> cases() {
    Listers none = new Listers(nodes());
    return Stream.of(
        Arguments.of("a ReplicaSet's selector counts the old replica", new Listers(nodes()).workload(
                new ReplicaSetBuilder().withNewMetadata().withName("rs").withNamespace("default").endMetadata()
                    .withNewSpec().withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web"))
                        .build()).endSpec().build()),
            pod("new").label("app", "web").label("version", "v2").ownedBy("apps/v1", "ReplicaSet", "rs").obj(),
            Map.of("a", 66L, "b", 100L)),
        Arguments.of("a StatefulSet's selector", new Listers(nodes()).workload(
                new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("default").endMetadata()
                    .withNewSpec().withSelector(new LabelSelectorBuilder().addNewMatchExpression().withKey("app")
                        .withOperator("In").withValues("web").endMatchExpression().build()).endSpec().build()),
            pod("new").label("app", "web").label("version", "v2").ownedBy("apps/v1", "StatefulSet", "db").obj(),
            Map.of("a", 66L, "b", 100L)),
        Arguments.of("a ReplicationController's selector", new Listers(nodes()).workload(
                new ReplicationControllerBuilder().withNewMetadata().withName("rc").withNamespace("default")
                    .endMetadata().withNewSpec().withSelector(Map.of("app", "web")).endSpec().build()),
            pod("new").label("app", "web").label("version", "v2").ownedBy("v1", "ReplicationController", "rc").obj(),
            Map.of("a", 66L, "b", 100L)),
        Arguments.of("a Service that selects the pod, no controller", new Listers(nodes()).service("default", "app",
            "web"), incoming(), Map.of("a", 66L, "b", 100L)),
        Arguments.of("a Service of another namespace", new Listers(nodes()).service("other", "app", "web"), incoming(),
            Map.of()),
        Arguments.of("no Service, no controller: no default constraint", none, incoming(), Map.of()),
        Arguments.of("a controller kube does not know (batch/v1 Job)", none,
            pod("new").label("app", "web").ownedBy("batch/v1", "Job", "j").obj(), Map.of()),
        Arguments.of("an owner not in the listers", none,
            pod("new").label("app", "web").ownedBy("apps/v1", "ReplicaSet", "gone").obj(), Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void systemDefaultsSelectByOwnersAndServices(String name, Listers h, Pod p, Map<String, Long> want) {
    assertEquals(want, score(new PodTopologySpread(Map.of(), h), p, h.nodes));
  }

  @Test
  void systemDefaultsSpreadByHostnameWhereSomeNodesHaveNoZone() {
    List<NodeInfo> nodes = List.of(
        node("a").label(Constraint.ZONE, "z1").info(pod("w1").label("app", "web").obj()),
        node("b").info(), node("c").label(Constraint.ZONE, "z1").info());
    Listers h = new Listers(nodes).service("default", "app", "web");
    // b has no zone label: not ignored (the system defaults do not need every key), spread by hostname only, so
    // it scores highest; the zoned nodes add their zone's count plus maxSkew-1 (4), as in kube
    assertEquals(Map.of("a", 22L, "b", 100L, "c", 44L),
        score(new PodTopologySpread(Map.of(), h), pod("p").label("app", "web").obj(), nodes));
  }

  @Test
  void listDefaultingUsesTheArgsConstraints() {
    Listers h = new Listers(nodes()).service("default", "app", "web");
    assertEquals(Map.of(), score(new PodTopologySpread(Map.of("defaultingType", "List"), h), incoming(), h.nodes));
    PodTopologySpread hard = new PodTopologySpread(Map.of("defaultingType", "List", "defaultConstraints",
        List.of(Map.of("maxSkew", 1, "topologyKey", "kubernetes.io/hostname", "whenUnsatisfiable", "DoNotSchedule"))),
        h);
    CycleState s = new CycleState();
    assertEquals(Status.success(), hard.preFilter(s, incoming(), h.nodes));
    assertEquals(Status.unschedulable(PodTopologySpread.ERR_CONSTRAINTS), hard.filter(s, incoming(), h.nodes.get(0)));
    assertEquals(Status.success(), hard.filter(s, incoming(), h.nodes.get(1)));
  }

  @Test
  void argsAreValidatedInKubesWords() {
    assertEquals("defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty",
        assertThrows(IllegalArgumentException.class, () -> new PodTopologySpread(Map.of("defaultConstraints",
            List.of(Map.of("maxSkew", 1, "topologyKey", "zone", "whenUnsatisfiable", "DoNotSchedule"))), null))
            .getMessage());
    assertEquals("defaultingType: Unsupported value: \"Auto\": supported values: \"System\", \"List\"",
        assertThrows(IllegalArgumentException.class,
            () -> new PodTopologySpread(Map.of("defaultingType", "Auto"), null)).getMessage());
  }

  /** PreScore, Score and normalize over every node: node name → score (empty when PreScore skips). */
  static Map<String, Long> score(PodTopologySpread plugin, Pod pod, List<NodeInfo> nodes) {
    CycleState s = new CycleState();
    if (plugin.preScore(s, pod, nodes).isSkip()) {
      return Map.of();
    }
    List<NodeScore> scores = new ArrayList<>();
    nodes.forEach(n -> scores.add(new NodeScore(n.name(), plugin.score(s, pod, n))));
    plugin.normalizeScore(s, pod, scores);
    Map<String, Long> out = new LinkedHashMap<>();
    scores.forEach(x -> out.put(x.name(), x.score()));
    return out;
  }
}
