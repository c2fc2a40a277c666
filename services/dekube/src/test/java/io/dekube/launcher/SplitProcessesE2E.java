package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, acceptance 5: the talk's picture as processes — one {@code ./dekube store} and two
 * {@code ./dekube apiserver} against one broker, sharing the PKI through one {@code --data-dir}.
 * kubectl works through either apiserver and sees what the other wrote; with one apiserver killed
 * the other keeps serving, writes included (the store is not in the apiserver).
 */
@WithKafka
class SplitProcessesE2E {

  @Test
  void oneStoreTwoApiserversServeKubectlAndSurviveAnApiserverKill(@KafkaBootstrap String kafka, @TempDir Path tmp)
      throws Exception {
    Kubectl.requireOnPath();
    Path data = tmp.resolve("state");
    try (DekubeProcess store = DekubeProcess.start(data, "store.log", "store", "--kafka", kafka, "--ops-port", "0");
         DekubeProcess a = DekubeProcess.start(data, "apiserver-a.log", "apiserver", "--kafka", kafka,
             "--api-port", "0", "--ops-port", "0");
         DekubeProcess b = DekubeProcess.start(data, "apiserver-b.log", "apiserver", "--kafka", kafka,
             "--api-port", "0", "--ops-port", "0")) {
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

      a.kill();
      viaA.run(serverB, "-n", "kube-decon", "create", "configmap", "after-a", "--from-literal=k=v").ok();
      String names = viaA.run(serverB, "-n", "kube-decon", "get", "configmaps", "-o", "name").ok().out();
      assertTrue(names.contains("configmap/talk") && names.contains("configmap/after-a"),
          "B serves reads and writes with A gone: " + names);
      assertTrue(viaA.run(serverA, "get", "namespaces").exit() != 0, "A is really gone");
    }
  }
}
