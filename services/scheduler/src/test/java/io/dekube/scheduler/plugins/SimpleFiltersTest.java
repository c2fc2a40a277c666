package io.dekube.scheduler.plugins;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.dekube.scheduler.plugins.nodename.NodeName;
import io.dekube.scheduler.plugins.nodeports.NodePorts;
import io.dekube.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.dekube.scheduler.plugins.tainttoleration.TaintToleration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven filter tests of the one-node plugins, against kube's semantics and reason strings. */
class SimpleFiltersTest {

  static Stream<Arguments> cases() {
    String affinity = NodeAffinityPlugin.ERR_REASON;
    return Stream.of(
        row(new NodeName(), new FilterCase("nodeName unset fits", pod("p").obj(), node("n1").info(), Status.success())),
        row(new NodeName(), new FilterCase("nodeName matches", pod("p").node("n1").obj(), node("n1").info(),
            Status.success())),
        row(new NodeName(), new FilterCase("nodeName differs", pod("p").node("n2").obj(), node("n1").info(),
            Status.unresolvable(NodeName.ERR_REASON))),
        row(new NodeUnschedulable(), new FilterCase("schedulable node", pod("p").obj(), node("n1").info(),
            Status.success())),
        row(new NodeUnschedulable(), new FilterCase("cordoned node", pod("p").obj(), node("n1").unschedulable().info(),
            Status.unresolvable("node(s) were unschedulable"))),
        row(new NodeUnschedulable(), new FilterCase("cordoned node, tolerated", pod("p")
            .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule").obj(),
            node("n1").unschedulable().info(), Status.success())),
        row(new NodePorts(), new FilterCase("free port", pod("p").hostPort(8080).obj(),
            node("n1").info(pod("q").hostPort(9090).obj()), Status.success())),
        row(new NodePorts(), new FilterCase("port taken", pod("p").hostPort(8080).obj(),
            node("n1").info(pod("q").hostPort(8080).obj()), Status.unschedulable(NodePorts.ERR_REASON))),
        row(new NodeAffinityPlugin(), new FilterCase("nodeSelector matches", pod("p").nodeSelector("disk", "ssd").obj(),
            node("n1").label("disk", "ssd").info(), Status.success())),
        row(new NodeAffinityPlugin(), new FilterCase("nodeSelector misses", pod("p").nodeSelector("disk", "ssd").obj(),
            node("n1").label("disk", "hdd").info(), Status.unresolvable(affinity))),
        row(new NodeAffinityPlugin(), new FilterCase("In matches", pod("p").nodeAffinityIn("zone", "In", "a", "b").obj(),
            node("n1").label("zone", "b").info(), Status.success())),
        row(new NodeAffinityPlugin(), new FilterCase("NotIn excludes", pod("p").nodeAffinityIn("zone", "NotIn", "b")
            .obj(), node("n1").label("zone", "b").info(), Status.unresolvable(affinity))),
        row(new NodeAffinityPlugin(), new FilterCase("Exists", pod("p").nodeAffinityIn("gpu", "Exists").obj(),
            node("n1").label("gpu", "x").info(), Status.success())),
        row(new NodeAffinityPlugin(), new FilterCase("DoesNotExist", pod("p").nodeAffinityIn("gpu", "DoesNotExist")
            .obj(), node("n1").label("gpu", "x").info(), Status.unresolvable(affinity))),
        row(new NodeAffinityPlugin(), new FilterCase("Gt", pod("p").nodeAffinityIn("cores", "Gt", "4").obj(),
            node("n1").label("cores", "8").info(), Status.success())),
        row(new NodeAffinityPlugin(), new FilterCase("Lt fails", pod("p").nodeAffinityIn("cores", "Lt", "4").obj(),
            node("n1").label("cores", "8").info(), Status.unresolvable(affinity))),
        row(new NodeAffinityPlugin(), new FilterCase("terms are ORed", pod("p").nodeAffinityIn("zone", "In", "x")
            .nodeAffinityIn("zone", "In", "b").obj(), node("n1").label("zone", "b").info(), Status.success())),
        row(new TaintToleration(), new FilterCase("untolerated NoSchedule", pod("p").obj(),
            node("n1").taint("dedicated", "db", "NoSchedule").info(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: db}"))),
        row(new TaintToleration(), new FilterCase("tolerated by Equal", pod("p")
            .toleration("dedicated", "Equal", "db", "NoSchedule").obj(),
            node("n1").taint("dedicated", "db", "NoSchedule").info(), Status.success())),
        row(new TaintToleration(), new FilterCase("Equal with another value", pod("p")
            .toleration("dedicated", "Equal", "web", "NoSchedule").obj(),
            node("n1").taint("dedicated", "db", "NoSchedule").info(),
            Status.unresolvable("node(s) had untolerated taint {dedicated: db}"))),
        row(new TaintToleration(), new FilterCase("empty key Exists tolerates all", pod("p")
            .toleration(null, "Exists", null, null).obj(), node("n1").taint("a", "b", "NoExecute").info(),
            Status.success())),
        row(new TaintToleration(), new FilterCase("PreferNoSchedule does not filter", pod("p").obj(),
            node("n1").taint("a", "b", "PreferNoSchedule").info(), Status.success())));
  }

  private static Arguments row(FilterPlugin plugin, FilterCase c) {
    return Arguments.of(c, plugin);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(FilterCase c, FilterPlugin plugin) {
    CycleState state = new CycleState();
    if (plugin instanceof PreFilterPlugin pre) {
      Status s = pre.preFilter(state, c.pod(), List.of(c.node()));
      if (s.isSkip()) {
        assertEquals(c.want(), Status.success(), "PreFilter skipped a case that should fail");
        return;
      }
    }
    assertEquals(c.want(), plugin.filter(state, c.pod(), c.node()));
  }
}
