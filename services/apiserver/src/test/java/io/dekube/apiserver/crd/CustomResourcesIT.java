package io.dekube.apiserver.crd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.model.Json;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CustomResourceDefinitions served as kinds, driven by the real kubectl (and, in the same cluster,
 * the Java clients in {@link CustomResourceClientsTest}): the talk's {@code Website} CRD with scale
 * and status subresources and printer columns; wait for Established, apply, get columns, explain,
 * schema errors naming the field, scale, watch, versions; bad CRDs refused with kube's wording and
 * nothing half-created; deleting a CRD deletes its objects and stops serving it.
 */
@WithKafka
class CustomResourcesIT {

  static final Duration WAIT = Duration.ofSeconds(30);
  static ApiServerFixture server;
  private static Path kubectl;
  private static Path work;
  private static Path config;

  record Result(int exitCode, String stdout, String stderr) {
  }

  @BeforeAll
  static void start() throws Exception {
    kubectl = findKubectl();
    server = ApiServerFixture.start(true);
    work = server.dir.resolve("kubectl");
    Files.createDirectories(work.resolve("home"));
    config = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    ok(kubectl("apply", "-f", resource("website-crd.yaml")));
    ok(kubectl("wait", "--for", "condition=established", "crd/websites.extensions.example.com", "--timeout=30s"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void websiteIsServedWithColumnsExplainScaleAndWatch() throws Exception {
    ok(kubectl("create", "namespace", "sites"));
    ok(kubectl("-n", "sites", "apply", "-f", resource("website.yaml")));
    Result get = ok(kubectl("-n", "sites", "get", "websites"));
    assertTrue(get.stdout().lines().findFirst().orElse("").matches("NAME\\s+REPO\\s+REPLICAS\\s+AGE"), get.stdout());
    assertTrue(get.stdout().matches("(?s).*kube-decon\\s+https://github.com/carsonoid/kube-decon.git\\s+1\\s+\\d+s.*"),
        "the default replicas: 1 is applied: " + get.stdout());
    ok(kubectl("-n", "sites", "get", "ws/kube-decon"));
    assertTrue(ok(kubectl("-n", "sites", "get", "all")).stdout().contains("website.extensions.example.com/kube-decon"));

    Result explain = ok(kubectl("explain", "website.spec"));
    assertTrue(explain.stdout().contains("gitRepo") && explain.stdout().contains("git repository"), explain.stdout());

    Process watch = background("-n", "sites", "get", "websites", "-w", "--output-watch-events");
    try {
      ok(kubectl("-n", "sites", "scale", "website/kube-decon", "--replicas=3"));
      JsonNode scaled = json(kubectl("-n", "sites", "get", "website", "kube-decon", "-o", "json"));
      assertEquals(3, scaled.path("spec").path("replicas").asInt(), scaled.toString());
      await().atMost(WAIT).until(() -> new String(watch.getInputStream().readNBytes(
          watch.getInputStream().available()), StandardCharsets.UTF_8).matches("(?s).*MODIFIED\\s+kube-decon.*\\s3\\s.*"));
    } finally {
      watch.destroy();
    }

    ok(kubectl("-n", "sites", "patch", "website", "kube-decon", "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"replicas\":3,\"selector\":\"app=site\"}}"));
    JsonNode scale = json(kubectl("-n", "sites", "get", "--raw",
        "/apis/extensions.example.com/v1/namespaces/sites/websites/kube-decon/scale"));
    assertEquals(3, scale.path("status").path("replicas").asInt(), scale.toString());
    assertEquals("app=site", scale.path("status").path("selector").asText(), scale.toString());

    JsonNode beta = json(kubectl("-n", "sites", "get", "--raw",
        "/apis/extensions.example.com/v1beta1/namespaces/sites/websites/kube-decon"));
    assertEquals("extensions.example.com/v1beta1", beta.path("apiVersion").asText(), beta.toString());
  }

  @Test
  void schemaViolationsAreRefusedNamingTheField() throws Exception {
    ok(kubectl("create", "namespace", "bad-sites"));
    Result invalid = kubectl("-n", "bad-sites", "apply", "-f", resource("website-invalid.yaml"));
    assertNotEquals(0, invalid.exitCode());
    assertTrue(invalid.stderr().contains("spec.replicas") && invalid.stderr().contains("must be of type integer"),
        invalid.stderr());
    Result strict = kubectlIn("apiVersion: extensions.example.com/v1\nkind: Website\nmetadata: {name: extra}\n"
        + "spec: {gitRepo: 'https://x.example/y.git', color: blue}\n", "-n", "bad-sites", "create", "-f", "-");
    assertNotEquals(0, strict.exitCode());
    assertTrue(strict.stderr().contains("unknown field \"spec.color\""), strict.stderr());
    Result enumBad = kubectlIn("apiVersion: extensions.example.com/v1\nkind: Website\nmetadata: {name: tiered}\n"
        + "spec: {gitRepo: 'ftp://x.example/y.git', tier: huge}\n", "-n", "bad-sites", "create", "-f", "-");
    assertTrue(enumBad.stderr().contains("spec.tier: Unsupported value: \"huge\""), enumBad.stderr());
    assertTrue(enumBad.stderr().contains("spec.gitRepo in body should match"), enumBad.stderr());
    assertEquals("", ok(kubectl("-n", "bad-sites", "get", "websites", "-o", "name")).stdout().trim());
  }

  @Test
  void badCrdsAreRefusedWithKubesWordingAndNothingIsCreated() throws Exception {
    Result nonStructural = kubectl("apply", "-f", resource("crd-not-structural.yaml"));
    assertTrue(nonStructural.stderr().contains(
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for "
            + "specified object fields"), nonStructural.stderr());
    Result twoStorage = kubectl("apply", "-f", resource("crd-two-storage.yaml"));
    assertTrue(twoStorage.stderr().contains("must have exactly one version marked as storage version"),
        twoStorage.stderr());
    Result badName = kubectl("apply", "-f", resource("crd-bad-name.yaml"));
    assertTrue(badName.stderr().contains("metadata.name: Invalid value: \"stuff.extensions.example.com\": must be "
        + "spec.names.plural+\".\"+spec.group"), badName.stderr());
    for (Result r : List.of(nonStructural, twoStorage, badName)) {
      assertNotEquals(0, r.exitCode());
      assertTrue(r.stderr().contains("The CustomResourceDefinition \"") && r.stderr().contains("is invalid"), r.stderr());
    }
    assertEquals("", ok(kubectl("get", "crd", "-o", "name")).stdout().lines()
        .filter(l -> l.contains("things") || l.contains("stuff")).reduce("", String::concat));
    assertTrue(kubectl("get", "things").stderr().contains("the server doesn't have a resource type"));
  }

  @Test
  void deletingACrdDeletesItsObjectsAndStopsServingIt() throws Exception {
    ok(kubectl("apply", "-f", resource("gadget-crd.yaml")));
    ok(kubectl("wait", "--for", "condition=established", "crd/gadgets.tools.example.com", "--timeout=30s"));
    ok(kubectlIn("apiVersion: tools.example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {size: 3, any: {x: 1}}\n"
        + "---\napiVersion: tools.example.com/v1\nkind: Gadget\nmetadata: {name: g2}\nspec: {size: small}\n",
        "create", "-f", "-"));
    JsonNode g1 = json(kubectl("get", "gadget", "g1", "-o", "json"));
    assertEquals(1, g1.path("spec").path("any").path("x").asInt(), "preserved unknown fields: " + g1);
    assertEquals("small", json(kubectl("get", "gadget", "g2", "-o", "json")).path("spec").path("size").asText());
    ok(kubectl("delete", "crd", "gadgets.tools.example.com", "--timeout=60s"));
    await().atMost(WAIT).until(() -> kubectl("get", "gadgets").stderr()
        .matches("(?s).*(the server doesn't have a resource type|could not find the requested resource).*"));
    assertTrue(!ok(kubectl("api-resources")).stdout().contains("gadgets"));
    ok(kubectl("apply", "-f", resource("gadget-crd.yaml")));
    ok(kubectl("wait", "--for", "condition=established", "crd/gadgets.tools.example.com", "--timeout=30s"));
    await().atMost(WAIT).until(() -> kubectl("get", "gadgets", "-o", "name").exitCode() == 0);
    assertEquals("", ok(kubectl("get", "gadgets", "-o", "name")).stdout().trim(),
        "every Gadget was deleted with its CRD, none comes back with a new one");
    ok(kubectl("delete", "crd", "gadgets.tools.example.com", "--timeout=60s"));
  }

  // ---- kubectl plumbing

  static String resource(String name) throws Exception {
    Path p = work.resolve(name);
    try (InputStream in = CustomResourcesIT.class.getResourceAsStream("/crd/" + name)) {
      Files.write(p, in.readAllBytes());
    }
    return p.toString();
  }

  static Result ok(Result r) {
    assertEquals(0, r.exitCode(), () -> "kubectl failed: " + r.stderr() + r.stdout());
    return r;
  }

  static JsonNode json(Result r) throws Exception {
    return Json.MAPPER.readTree(ok(r).stdout());
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", config.toString(),
        "--cache-dir", work.resolve("cache").toString(), "--request-timeout=30s"));
    command.addAll(List.of(args));
    return command;
  }

  static Result kubectl(String... args) throws Exception {
    return kubectlIn(null, args);
  }

  static Result kubectlIn(String stdin, String... args) throws Exception {
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.resolve("home").toString());
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish in 90s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static Process background(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true);
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.resolve("home").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  static Path findKubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("kubectl is not on the PATH: this test drives the real kubectl v1.32");
  }
}
