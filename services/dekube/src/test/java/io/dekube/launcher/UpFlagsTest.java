package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.ApiServerKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flags of {@code up}: each declared once (so {@code ./dekube help} lists it once), and their couplings. */
class UpFlagsTest {

  @Test
  void everyFlagOfUpIsDeclaredOnce() {
    Map<String, Long> counts = Components.flags().stream()
        .collect(Collectors.groupingBy(Flag::name, Collectors.counting()));
    counts.forEach((name, n) -> assertEquals(1L, n, name + " is declared " + n + " times"));
    long lines = DekubeMain.help().lines().filter(l -> l.trim().startsWith("--cluster-cidr ")).count();
    assertEquals(2, lines, "--cluster-cidr under up and under kubelet:\n" + DekubeMain.help());
    // each flag's help in one column; a flag longer than the column has it on the next line
    DekubeMain.help().lines().filter(l -> l.startsWith("          --")).forEach(l -> assertTrue(
        l.trim().split(" ").length <= 2 || l.length() > 45 && l.charAt(44) == ' ' && l.charAt(45) != ' ', l));
  }

  @Test
  void aListFlagGivenTwiceAddsToItsListAsPflagsAndAScalarOneTakesTheLast() {
    // the kubelet's own help example of --manifest-url-header
    Flags f = Flags.parse(List.of("--manifest-url", "http://h/pods", "--manifest-url-header", "a:hello,b:again,c:world",
        "--manifest-url-header", "b:beautiful", "--allowed-unsafe-sysctls", "net.core.somaxconn",
        "--allowed-unsafe-sysctls=kernel.msg*", "--cluster-cidr", "127.9.0.0/16", "--cluster-cidr", "127.8.0.0/16"),
        Components.flags());
    assertEquals(List.of(Map.entry("a", "hello"), Map.entry("b", "again"), Map.entry("c", "world"),
        Map.entry("b", "beautiful")), KubeletComponent.manifestUrl(f).headers());
    assertEquals("net.core.somaxconn,kernel.msg*", f.string("--allowed-unsafe-sysctls", ""));
    assertEquals("127.8.0.0/16", f.string("--cluster-cidr", ""));
  }

  @Test
  void theDockerRuntimeTakesItsEngineAndPauseImageAndRefusesALoopbackClusterCidr() {
    var c = KubeletComponent.config(Flags.parse(List.of("--runtime", "docker", "--cluster-cidr", "10.244.0.0/16",
        "--docker-endpoint", "unix:///run/podman/podman.sock"), Components.flags()), "n", "127.0.1.1", 1, Path.of("d"));
    assertEquals("docker", c.runtime());
    assertEquals("unix:///run/podman/podman.sock", c.docker().endpoint());
    assertEquals("registry.k8s.io/pause:3.10", c.docker().podInfraImage());
    assertEquals("10.244.1.0/24", c.fallbackPodCidr());
    assertEquals("10.244.0.0/16", c.docker().clusterCidr()); // the subnet of the one network of every node's pods
    var defaults = KubeletComponent.config(Flags.parse(List.of(), Components.flags()), "n", "127.0.1.1", 1, Path.of("d"));
    assertEquals("unix:///var/run/docker.sock", defaults.docker().endpoint());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KubeletComponent.config(Flags.parse(List.of("--runtime", "docker"), Components.flags()), "n",
            "127.0.1.1", 1, Path.of("d")));
    assertTrue(e.getMessage().contains("127.244.0.0/16 is loopback"), e.getMessage());
    String help = DekubeMain.help();
    assertTrue(help.contains("--docker-endpoint") && help.contains("unix:///var/run/docker.sock")
        && help.contains("--pod-infra-container-image") && help.contains("registry.k8s.io/pause:3.10")
        && help.contains("jvm|process|simulated|docker"), help);
  }

  @Test
  void nodesRenewTheirLeaseOftenEnoughForAShortGracePeriod() {
    Function<List<String>, Duration> renew = args -> KubeletComponent.leaseRenew(Flags.parse(args, Components.flags()));
    assertEquals(Duration.ofSeconds(10), renew.apply(List.of()));
    assertEquals(Duration.ofSeconds(10), renew.apply(List.of("--node-monitor-grace-period", "2m")));
    assertEquals(Duration.ofMillis(1250), renew.apply(List.of("--node-monitor-grace-period", "5s")));
    assertEquals(Duration.ofSeconds(3), renew.apply(List.of("--node-monitor-grace-period", "5s", "--node-lease-renew", "3s")));
    assertTrue(KubeletComponent.leaseRenew(Flags.parse(List.of(), KubeletCommand.FLAGS)).toSeconds() == 10);
  }

  @Test
  void theApiserverCertificateNamesTheKubernetesServiceIpOfTheServiceCidr(@TempDir Path dir) throws Exception {
    UpOptions options = UpOptions.parse(List.of("--service-cidr", "127.93.0.0/16", "--data-dir", dir.toString()));
    var sans = ApiServerKeys.load(ApiServerComponent.config(options)).pki().serving().certificate()
        .getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList();
    // pods reach the apiserver at KUBERNETES_SERVICE_HOST, the first address of the service CIDR
    assertTrue(sans.contains("127.93.0.1"), "SANs " + sans);
  }

  @Test
  void theAdmissionConfigFileConfiguresPodSecurityAndABadOneStopsTheStart(@TempDir Path dir) throws Exception {
    Path good = java.nio.file.Files.writeString(dir.resolve("admission.yaml"), """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults: {enforce: baseline, audit: restricted, warn: restricted}
            exemptions: {namespaces: [kube-system]}
        """);
    var config = StoreComponent.podSecurity(Flags.parse(List.of("--admission-control-config-file", good.toString()),
        Components.flags()));
    assertEquals("baseline:latest", config.defaults().enforce().toString());
    assertTrue(config.exemptNamespace("kube-system"));
    // the store and apiserver commands of the split mode take the same flag
    DekubeMain.check(List.of("store", "--kafka", "k:1", "--admission-control-config-file", good.toString()));
    DekubeMain.check(List.of("apiserver", "--kafka", "k:1", "--admission-control-config-file", good.toString()));
    Path bad = java.nio.file.Files.writeString(dir.resolve("bad.yaml"), java.nio.file.Files.readString(good)
        .replace("enforce: baseline", "enforce: strict"));
    LaunchException e = assertThrows(LaunchException.class, () -> StoreComponent.podSecurity(
        Flags.parse(List.of("--admission-control-config-file=" + bad), Components.flags())));
    assertEquals("failed to initialize admission plugin \"PodSecurity\": PodSecurity invalid: defaults.enforce: "
        + "Invalid value: \"strict\": must be one of privileged, baseline, restricted", e.getMessage());
    assertTrue(assertThrows(LaunchException.class, () -> StoreComponent.podSecurity(Flags.parse(
        List.of("--admission-control-config-file", dir.resolve("missing.yaml").toString()), Components.flags())))
        .getMessage().startsWith("unable to read admission control configuration from"));
  }

  @Test
  void theEncryptionProviderConfigIsReadByEveryProcessAndABadOneStopsTheStart(@TempDir Path dir) throws Exception {
    Path good = java.nio.file.Files.writeString(dir.resolve("enc.yaml"), """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aescbc:
              keys:
              - name: key1
                secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8=
          - identity: {}
        """);
    try {
      UpOptions.installEncryption(UpOptions.parse(List.of("--encryption-provider-config", good.toString())).flags());
      assertTrue(io.dekube.core.encryption.StoreEncryption.transformer("secrets") != null);
      assertEquals(null, io.dekube.core.encryption.StoreEncryption.transformer("configmaps"));
      // every process that reads or writes the store takes it: the split commands and the kubelet
      for (DekubeMain.Alone a : DekubeMain.ALONE) {
        DekubeMain.check(List.of(a.command(), "--kafka", "k:1", "--encryption-provider-config", good.toString()));
      }
      DekubeMain.check(List.of("kubelet", "--node-name", "n1", "--node-ip", "127.0.1.1",
          "--encryption-provider-config", good.toString()));
      Path bad = java.nio.file.Files.writeString(dir.resolve("bad.yaml"), java.nio.file.Files.readString(good)
          .replace("c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8=", "cGFzc3dvcmQ="));
      LaunchException e = assertThrows(LaunchException.class, () -> UpOptions.installEncryption(
          UpOptions.parse(List.of("--encryption-provider-config=" + bad)).flags()));
      assertEquals("error while parsing file: resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "
          + "\"REDACTED\": secret is not of the expected length, got 8, expected one of [16 24 32]", e.getMessage());
      // --encryption-provider-config-automatic-reload: every process holding the file reloads it
      assertEquals("--encryption-provider-config-automatic-reload must be set with --encryption-provider-config",
          assertThrows(LaunchException.class, () -> UpOptions.installEncryption(UpOptions.parse(List.of(
              "--encryption-provider-config-automatic-reload")).flags())).getMessage());
      UpOptions.installEncryption(UpOptions.parse(List.of("--encryption-provider-config", good.toString(),
          "--encryption-provider-config-automatic-reload")).flags());
      assertTrue(io.dekube.core.encryption.StoreEncryption.reloading());
      assertTrue(io.dekube.core.encryption.StoreEncryption.transformer("secrets") != null);
      for (DekubeMain.Alone a : DekubeMain.ALONE) {
        DekubeMain.check(List.of(a.command(), "--kafka", "k:1", "--encryption-provider-config", good.toString(),
            "--encryption-provider-config-automatic-reload"));
      }
      DekubeMain.check(List.of("kubelet", "--node-name", "n1", "--node-ip", "127.0.1.1",
          "--encryption-provider-config", good.toString(), "--encryption-provider-config-automatic-reload"));
      // without the flag, nothing is encrypted
      UpOptions.installEncryption(UpOptions.parse(List.of()).flags());
      assertTrue(!io.dekube.core.encryption.StoreEncryption.reloading());
      assertEquals(null, io.dekube.core.encryption.StoreEncryption.transformer("secrets"));
    } finally {
      io.dekube.core.encryption.StoreEncryption.install(null);
    }
  }

  @Test
  void aggregatorRoutingIsKubesBoolFlagAndOffByDefault() {
    java.util.function.Function<List<String>, Boolean> routing = args -> ApiServerComponent.aggregatorRouting(
        Flags.parse(args, Components.flags()));
    assertEquals(!LowPorts.bindable(443), routing.apply(List.of()),
        "kube's default (the ClusterIP) where port 443 can be bound, else the endpoints");
    assertEquals(true, routing.apply(List.of("--enable-aggregator-routing")));
    assertEquals(true, routing.apply(List.of("--enable-aggregator-routing=true")));
    assertEquals(false, routing.apply(List.of("--enable-aggregator-routing=false")));
    for (String command : List.of("up", "apiserver")) {
      DekubeMain.check(List.of(command, "--kafka", "k:1", "--enable-aggregator-routing"));
    }
    assertEquals("invalid argument \"yes\" for \"--enable-aggregator-routing\" flag: strconv.ParseBool: parsing "
        + "\"yes\": invalid syntax", assertThrows(IllegalArgumentException.class,
        () -> UpOptions.parse(List.of("--enable-aggregator-routing=yes"))).getMessage());
  }

  @Test
  void kubesAuditFlagsAreTakenAndBadValuesStopTheStartInKubesWords(@TempDir Path dir) throws Exception {
    Path policy = java.nio.file.Files.writeString(dir.resolve("policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
    List<String> flags = List.of("--audit-policy-file", policy.toString(), "--audit-log-path", dir.resolve("a.log")
        .toString(), "--audit-log-maxage", "7", "--audit-log-maxbackup", "3", "--audit-log-maxsize", "50",
        "--audit-log-compress", "--audit-log-format", "legacy", "--audit-log-mode", "batch",
        "--audit-log-batch-max-size", "10", "--audit-log-batch-max-wait", "1m30s", "--audit-log-truncate-enabled=true",
        "--audit-webhook-mode", "blocking-strict", "--audit-webhook-initial-backoff", "500ms",
        "--audit-webhook-version", "audit.k8s.io/v1", "--audit-log-version=audit.k8s.io/v1");
    for (String command : List.of("up", "apiserver")) {
      List<String> args = new java.util.ArrayList<>(List.of(command, "--kafka", "k:1"));
      args.addAll(flags);
      DekubeMain.check(args);
    }
    var options = AuditFlags.options(Flags.parse(flags, Components.flags()), "unused");
    assertEquals(new io.dekube.apiserver.audit.AuditOptions.Log(dir.resolve("a.log").toString(), 7, 3, 50, true,
        "legacy", "audit.k8s.io/v1", new io.dekube.apiserver.audit.AuditOptions.Batch("batch", 10_000, 10,
        Duration.ofSeconds(90), false, 0, 0), new io.dekube.apiserver.audit.AuditOptions.Truncate(true, 102_400,
        10_485_760)), options.log());
    assertEquals(Duration.ofMillis(500), options.webhook().initialBackoff());
    assertEquals(null, options.webhook().configFile());
    Function<List<String>, String> refusal = args -> assertThrows(IllegalArgumentException.class,
        () -> UpOptions.parse(args)).getMessage();
    List<String> audited = List.of("--audit-policy-file", policy.toString());
    java.util.function.BiFunction<String, String, String> bad = (flag, value) -> refusal.apply(
        java.util.stream.Stream.concat(audited.stream(), java.util.stream.Stream.of(flag, value)).toList());
    assertEquals("invalid audit log mode fast, allowed modes are \"batch,blocking,blocking-strict\"",
        bad.apply("--audit-log-mode", "fast"));
    assertEquals("invalid audit log format xml, allowed formats are \"legacy,json\"",
        bad.apply("--audit-log-format", "xml"));
    assertEquals("invalid group version, allowed versions are [\"audit.k8s.io/v1\"]",
        bad.apply("--audit-log-version", "audit.k8s.io/v1beta1"));
    assertEquals("--audit-log-maxbackup -1 can't be a negative number", bad.apply("--audit-log-maxbackup", "-1"));
    assertEquals("invalid argument \"abc\" for \"--audit-log-maxsize\" flag: strconv.ParseInt: parsing \"abc\": "
        + "invalid syntax", bad.apply("--audit-log-maxsize", "abc"));
    assertEquals("invalid argument \"10\" for \"--audit-webhook-batch-max-wait\" flag: time: missing unit in "
        + "duration \"10\"", bad.apply("--audit-webhook-batch-max-wait", "10"));
    assertEquals("invalid argument \"yes\" for \"--audit-log-compress\" flag: strconv.ParseBool: parsing \"yes\": "
        + "invalid syntax", bad.apply("--audit-log-compress=yes", "--audit-log-maxage=1"));
    // the webhook's options are checked when it is set, as kube checks them
    assertEquals("invalid audit batch webhook max batch size 0, must be a positive number", refusal.apply(List.of(
        "--audit-webhook-config-file", "hook.yaml", "--audit-webhook-batch-max-size", "0")));
    UpOptions.parse(List.of("--audit-webhook-batch-max-size", "0"));
    LaunchException missing = assertThrows(LaunchException.class, () -> ApiServerComponent.auditSink(Flags.parse(
        List.of("--audit-policy-file", policy.toString(), "--audit-webhook-config-file",
            dir.resolve("missing.yaml").toString()), Components.flags()), dir));
    assertEquals("initializing audit webhook: stat " + dir.resolve("missing.yaml") + ": no such file or directory",
        missing.getMessage());
  }
}
