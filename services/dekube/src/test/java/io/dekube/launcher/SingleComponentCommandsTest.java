package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./dekube store|apiserver|scheduler|...}: every component of up also runs alone, and says so in help. */
class SingleComponentCommandsTest {

  @Test
  void everyComponentOfUpButTheNodesHasACommandOfItsOwn() {
    Set<Class<?>> alone = DekubeMain.ALONE.stream().map(a -> a.component().get().getClass())
        .collect(Collectors.toSet());
    Set<Class<?>> all = Components.ALL.stream().map(Object::getClass)
        .filter(c -> c != KubeletComponent.class) // ./dekube kubelet: one node of its own, KubeletCommand
        .collect(Collectors.toSet());
    assertEquals(all, alone);
    String help = DekubeMain.help();
    DekubeMain.ALONE.forEach(a -> assertTrue(help.contains("\n  " + a.command() + " "), a.command() + " in:\n" + help));
  }

  @Test
  void aCommandLineIsCheckedAsTheLauncherParsesIt() {
    DekubeMain.check(List.of("scheduler", "--kafka", "kafka:9092", "--ops-port", "10262", "--data-dir", "/d"));
    DekubeMain.check(List.of("kubelet", "--node-name", "n1", "--node-ip", "127.0.1.1", "--ops-port", "10270"));
    // a node of its own audits its calls with the apiserver's flags, checked as the apiserver checks them
    DekubeMain.check(List.of("kubelet", "--node-name", "n1", "--node-ip", "127.0.1.1", "--audit-policy-file", "p.yaml",
        "--audit-log-mode", "batch"));
    assertThrows(IllegalArgumentException.class, () -> DekubeMain.check(List.of("kubelet", "--node-name", "n1",
        "--node-ip", "127.0.1.1", "--audit-policy-file", "p.yaml", "--audit-log-mode", "fast")));
    assertThrows(IllegalArgumentException.class, () -> DekubeMain.check(List.of("scheduler", "--ops-prot", "1")));
    assertThrows(IllegalArgumentException.class, () -> DekubeMain.check(List.of("dns", "--ops-port", "1")),
        "--kafka is required");
    assertThrows(IllegalArgumentException.class, () -> DekubeMain.check(List.of("kubelet", "--node-name", "n1")));
    assertThrows(IllegalArgumentException.class, () -> DekubeMain.check(List.of("schedular", "--kafka", "k:1")));
    assertThrows(IllegalArgumentException.class,
        () -> DekubeMain.check(List.of("ingress", "--kafka", "k:1", "--bind-address", "everywhere")));
  }

  @Test
  void aComponentWithoutTheApiserversPkiWaitsForItThenSaysWhatToDo(@TempDir Path data) throws Exception {
    Flags shortWait = Flags.parse(List.of("--pki-wait", "300ms"), Components.flags());
    LaunchException e = assertThrows(LaunchException.class, () -> SharedPki.await(data, shortWait, "ingress"));
    assertTrue(e.getMessage().contains("no cluster PKI in " + data.resolve("pki").toAbsolutePath())
        && e.getMessage().contains("start ./dekube apiserver with the same --data-dir"), e.getMessage());
    assertTrue(java.nio.file.Files.notExists(data.resolve("pki/ca.crt")), "it made no PKI of its own");

    io.dekube.core.pki.ClusterPki written = io.dekube.core.pki.ClusterPki.loadOrCreate(data.resolve("pki"));
    io.dekube.core.pki.ServiceAccountKey.loadOrCreate(data.resolve("pki")); // what the apiserver writes
    assertEquals(written.ca().certificatePem(), SharedPki.await(data, shortWait, "ingress").ca().certificatePem());
  }
}
