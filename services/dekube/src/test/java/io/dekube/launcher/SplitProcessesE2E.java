package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, acceptance 5: the talk's picture as processes — one {@code ./dekube store} and two
 * {@code ./dekube apiserver} against one broker, sharing the PKI through one {@code --data-dir}, and
 * {@code ./dekube scheduler}, {@code ./dekube controller-manager} and one {@code ./dekube kubelet}, each
 * a process of its own (the compose stack's services). kubectl works through either apiserver and sees
 * what the other wrote; the talk's Deployment rolls out on the kubelet's node (what {@code up} does, done
 * by processes that only share the bus); with one apiserver killed the other keeps serving, writes
 * included (the store is not in the apiserver).
 */
@WithKafka
class SplitProcessesE2E {

  @Test
  void theComponentsAsProcessesRunTheTalksDeploymentAndSurviveAnApiserverKill(@KafkaBootstrap String kafka,
      @TempDir Path tmp) throws Exception {
    Kubectl.requireOnPath();
    Path data = tmp.resolve("state");
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String nodeIp = "127." + r.nextInt(2, 100) + "." + r.nextInt(2, 251) + "." + r.nextInt(1, 251);
    String clusterCidr = "127." + r.nextInt(100, 240) + ".0.0/16";
    try (DekubeProcess store = DekubeProcess.start(data, "store.log", "store", "--kafka", kafka, "--ops-port", "0");
         DekubeProcess a = DekubeProcess.start(data, "apiserver-a.log", "apiserver", "--kafka", kafka,
             "--api-port", "0", "--ops-port", "0");
         DekubeProcess b = DekubeProcess.start(data, "apiserver-b.log", "apiserver", "--kafka", kafka,
             "--api-port", "0", "--ops-port", "0");
         DekubeProcess.Group rest = DekubeProcess.startAll(data, List.of(
             List.of("scheduler.log", "scheduler", "--kafka", kafka, "--ops-port", "0"),
             List.of("controller-manager.log", "controller-manager", "--kafka", kafka, "--ops-port", "0",
                 "--cluster-cidr", clusterCidr),
             List.of("kubelet.log", "kubelet", "--kafka", kafka, "--node-name", "split-node-1", "--node-ip", nodeIp,
                 "--kubelet-port", "0", "--cluster-cidr", clusterCidr, "--ops-port", "0")))) {
      DekubeProcess scheduler = rest.get(0);
      DekubeProcess controllers = rest.get(1);
      DekubeProcess node = rest.get(2);
      Kubectl viaA = new Kubectl(a.kubeconfig());
      String serverA = "--server=" + a.apiUrl();
      String serverB = "--server=" + b.apiUrl();

      viaA.run(serverA, "create", "namespace", "kube-decon").ok();
      viaA.run(serverA, "-n", "kube-decon", "create", "configmap", "talk", "--from-literal=by=carson").ok();
      viaA.run(serverA, "apply", "-f", DekubeProcess.repoRoot().resolve("k8s-manifests/kube-decon.yaml").toString())
          .ok();
      assertEquals("carson", viaA.run(serverB, "-n", "kube-decon", "get", "configmap", "talk",
          "-o", "jsonpath={.data.by}").ok().out(), "apiserver B reads what A wrote");
      String deployments = viaA.run(serverB, "get", "deployments", "-A", "-o", "name").ok().out();
      assertTrue(deployments.contains("deployment.apps/"), "the talk's manifest is served by B: " + deployments);

      // the controller-manager's ReplicaSet, the scheduler's bindings and the kubelet's pods, each its own process
      viaA.run(serverB, "rollout", "status", "deployment/kube-decon", "--timeout=120s").ok();
      String pods = viaA.run(serverB, "get", "pods", "-l", "app=kube-decon", "-o",
          "jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.status.podIP}{\"\\n\"}{end}").ok().out();
      String prefix = clusterCidr.substring(0, clusterCidr.indexOf(".0.0/"));
      List<String> lines = pods.lines().toList();
      assertEquals(2, lines.size(), pods);
      lines.forEach(l -> assertTrue(l.startsWith("split-node-1 Running " + prefix + "."), "a pod: " + l));
      // each process serves its /metrics, and together they export every metric the compose stack's Grafana
      // dashboard reads (monitoring/grafana/dashboards/dekube.json): no panel for a metric that does not exist
      java.util.Set<String> exported = new java.util.TreeSet<>(GrafanaDashboard.PROMETHEUS_OWN);
      for (DekubeProcess p : List.of(store, a, b, scheduler, controllers, node)) {
        java.util.Set<String> names = GrafanaDashboard.exported(p.opsGet("/metrics"));
        assertTrue(names.contains("jvm_memory_used_bytes"), "a process's /metrics: " + names);
        exported.addAll(names);
      }
      java.util.Set<String> missing = new java.util.TreeSet<>(GrafanaDashboard.metricNames(GrafanaDashboard.FILE));
      missing.removeAll(exported);
      assertEquals(java.util.Set.of(), missing, "metrics of the Grafana dashboard that no dekube process exports");

      a.kill();
      viaA.run(serverB, "-n", "kube-decon", "create", "configmap", "after-a", "--from-literal=k=v").ok();
      String names = viaA.run(serverB, "-n", "kube-decon", "get", "configmaps", "-o", "name").ok().out();
      assertTrue(names.contains("configmap/talk") && names.contains("configmap/after-a"),
          "B serves reads and writes with A gone: " + names);
      assertTrue(viaA.run(serverA, "get", "namespaces").exit() != 0, "A is really gone");
    }
  }
}
