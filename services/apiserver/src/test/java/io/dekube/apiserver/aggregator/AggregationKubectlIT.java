package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API aggregation with the real kubectl against a real apiserver: the local APIServices, their
 * table and validation.
 */
@WithKafka
class AggregationKubectlIT {

  static ApiServerFixture server;
  static Path work;
  static Path admin;

  record Result(int exitCode, String stdout, String stderr) {
  }

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    work = server.dir.resolve("kubectl");
    Files.createDirectories(work.resolve("home"));
    admin = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void localApiServicesAreListedAvailable() throws Exception {
    Result r = kubectl("get", "apiservices");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().lines().findFirst().orElse("").matches("NAME\\s+SERVICE\\s+AVAILABLE\\s+AGE"), r.stdout());
    assertRow(r.stdout(), "v1.", "Local", "True");
    assertRow(r.stdout(), "v1.apps", "Local", "True");
    assertRow(r.stdout(), "v1.apiregistration.k8s.io", "Local", "True");
    Result yaml = kubectl("get", "apiservice", "v1.apps", "-o",
        "jsonpath={.spec.groupPriorityMinimum}/{.spec.versionPriority}/{.metadata.labels}/{.status.conditions[0].reason}");
    assertEquals(0, yaml.exitCode(), yaml.stderr());
    assertEquals("17800/15/{\"kube-aggregator.kubernetes.io/automanaged\":\"onstart\"}/Local", yaml.stdout());
  }

  @Test
  void apiResourcesAndVersionsListApiRegistration() throws Exception {
    Result versions = kubectl("api-versions");
    assertEquals(0, versions.exitCode(), versions.stderr());
    assertTrue(versions.stdout().lines().anyMatch("apiregistration.k8s.io/v1"::equals), versions.stdout());
    Result resources = kubectl("api-resources", "--api-group=apiregistration.k8s.io");
    assertEquals(0, resources.exitCode(), resources.stderr());
    assertRow(resources.stdout(), "apiservices", "apiregistration.k8s.io/v1", "false", "APIService");
  }

  @Test
  void aMisnamedApiServiceIsInvalid() throws Exception {
    Path file = work.resolve("bad-apiservice.yaml");
    Files.writeString(file, """
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1.wardle.example.com}
        spec:
          group: wardle.example.com
          version: v1alpha1
          groupPriorityMinimum: 0
          versionPriority: 15
          service: {namespace: default, name: api}
        """);
    Result r = kubectl("create", "-f", file.toString());
    assertNotEquals(0, r.exitCode(), r.stdout());
    // kubectl prints the causes of a 422 one a line
    assertTrue(r.stderr().contains("The APIService \"v1.wardle.example.com\" is invalid: "), r.stderr());
    assertTrue(r.stderr().contains("* metadata.name: Invalid value: \"v1.wardle.example.com\": must be "
        + "`spec.version+\".\"+spec.group`: \"v1alpha1.wardle.example.com\""), r.stderr());
    assertTrue(r.stderr().contains("* spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than "
        + "20000"), r.stderr());
  }

  static void assertRow(String table, String... prefix) {
    boolean found = table.lines().map(l -> List.of(l.trim().split("\\s+")))
        .anyMatch(cells -> cells.size() >= prefix.length && cells.subList(0, prefix.length).equals(List.of(prefix)));
    assertTrue(found, "no row starting " + List.of(prefix) + " in\n" + table);
  }

  static Result kubectl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(findKubectl().toString(), "--kubeconfig", admin.toString(),
        "--cache-dir", work.resolve("cache").toString(), "--request-timeout=30s"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.resolve("home").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish in 90s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static Path findKubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("kubectl is not on the PATH: this test drives the real kubectl v1.32");
  }
}
