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
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.dynamic.Dynamics;
import java.io.File;
import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * fabric8 and the official Java client): the talk's {@code Website} CRD with scale
 * and status subresources and printer columns; wait for Established, apply, get columns, explain,
 * schema errors naming the field, scale, watch, versions; bad CRDs refused with kube's wording and
 * nothing half-created; deleting a CRD deletes its objects and stops serving it. In the same
 * cluster: a CertificateSigningRequest approved with {@code kubectl certificate approve} is signed
 * and its certificate authenticates.
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
      // the watch lists first: scale only once it printed the list's ADDED line, or the scale may land
      // before the list and show as the list's replicas 3, with no MODIFIED event to see
      StringBuilder seen = new StringBuilder();
      readUntil(watch, seen, "(?s).*ADDED\\s+kube-decon\\s.*");
      ok(kubectl("-n", "sites", "scale", "website/kube-decon", "--replicas=3"));
      JsonNode scaled = json(kubectl("-n", "sites", "get", "website", "kube-decon", "-o", "json"));
      assertEquals(3, scaled.path("spec").path("replicas").asInt(), scaled.toString());
      readUntil(watch, seen, "(?s).*MODIFIED\\s+kube-decon\\s+\\S+\\s+3\\s.*");
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
  void shirtsAreListedAndWatchedByTheirSelectableFields() throws Exception {
    // the docs' example (tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#crd-selectable-fields)
    ok(kubectlIn("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: shirts.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: shirts, singular: shirt, kind: Shirt}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      color: {type: string}
                      size: {type: string}
            selectableFields:
            - jsonPath: .spec.color
            - jsonPath: .spec.size
            additionalPrinterColumns:
            - {jsonPath: .spec.color, name: Color, type: string}
            - {jsonPath: .spec.size, name: Size, type: string}
        """, "apply", "-f", "-"));
    ok(kubectl("wait", "--for", "condition=established", "crd/shirts.stable.example.com", "--timeout=30s"));
    assertTrue(ok(kubectl("get", "crd", "shirts.stable.example.com", "-o", "yaml")).stdout()
        .contains("    selectableFields:\n    - jsonPath: .spec.color\n    - jsonPath: .spec.size\n"));
    ok(kubectl("create", "namespace", "shirts"));
    ok(kubectlIn("""
        apiVersion: stable.example.com/v1
        kind: Shirt
        metadata: {name: example1}
        spec: {color: blue, size: S}
        ---
        apiVersion: stable.example.com/v1
        kind: Shirt
        metadata: {name: example2}
        spec: {color: blue, size: M}
        ---
        apiVersion: stable.example.com/v1
        kind: Shirt
        metadata: {name: example3}
        spec: {color: green, size: M}
        """, "-n", "shirts", "apply", "-f", "-"));
    assertEquals("NAME       COLOR   SIZE\nexample1   blue    S\nexample2   blue    M\n", ok(kubectl("-n", "shirts",
        "get", "shirts.stable.example.com", "--field-selector", "spec.color=blue")).stdout());
    assertEquals("shirt.stable.example.com/example2\n", ok(kubectl("-n", "shirts", "get", "shirts", "-o", "name",
        "--field-selector", "spec.color==blue,spec.size=M")).stdout());
    assertEquals("shirt.stable.example.com/example3\n", ok(kubectl("-n", "shirts", "get", "shirts", "-o", "name",
        "--field-selector", "spec.color!=blue,metadata.namespace=shirts")).stdout());
    Result unknown = kubectl("-n", "shirts", "get", "shirts", "--field-selector", "spec.fabric=cotton");
    assertNotEquals(0, unknown.exitCode());
    assertTrue(unknown.stderr().contains("(BadRequest)") && unknown.stderr().endsWith(
        "field label not supported: spec.fabric\n"), unknown.stderr());

    Process watch = background("-n", "shirts", "get", "shirts", "-w", "--output-watch-events",
        "--field-selector", "spec.color=blue");
    try {
      StringBuilder seen = new StringBuilder();
      readUntil(watch, seen, "(?s).*ADDED\\s+example2\\s.*");
      ok(kubectl("-n", "shirts", "patch", "shirt", "example3", "--type=merge", "-p", "{\"spec\":{\"color\":\"blue\"}}"));
      ok(kubectl("-n", "shirts", "patch", "shirt", "example1", "--type=merge", "-p", "{\"spec\":{\"color\":\"red\"}}"));
      readUntil(watch, seen, "(?s).*DELETED\\s+example1\\s.*");
      // example3 turned blue: it enters the watch as ADDED; green, it was never there
      assertTrue(seen.toString().matches("(?s).*ADDED\\s+example3\\s+blue\\s.*"), seen.toString());
      assertTrue(!seen.toString().contains("green"), seen.toString());
    } finally {
      watch.destroy();
    }
  }

  @Test
  void celValidationRulesRefuseABadObjectWithKubesMessage() throws Exception {
    String crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabs.cel.example.com}
        spec:
          group: cel.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas"
                      message: "replicas should be in the range minReplicas..maxReplicas."
                    properties:
                      cronSpec:
                        type: string
                        x-kubernetes-validations: [{rule: "self == oldSelf", message: "Value is immutable"}]
                      minReplicas: {type: integer}
                      replicas: {type: integer}
                      maxReplicas: {type: integer}
        """;
    Result badRule = kubectlIn(crd.replace("self.replicas <= self.maxReplicas\"", "self.replicas <=\""), "apply", "-f",
        "-");
    assertNotEquals(0, badRule.exitCode());
    assertTrue(badRule.stderr().contains("The CustomResourceDefinition \"crontabs.cel.example.com\" is invalid: "
        + "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "
        + "apiextensions.ValidationRule{Rule:\"self.minReplicas <= self.replicas && self.replicas <=\""),
        badRule.stderr());
    assertTrue(badRule.stderr().contains("compilation failed: ERROR: <input>:1:"), badRule.stderr());
    Result misspelt = kubectlIn(crd.replace("self.replicas <= self.maxReplicas\"", "self.replicas <= self.maxReplicaz\""),
        "apply", "-f", "-");
    assertTrue(misspelt.stderr().contains("compilation failed: ERROR: <input>:1:59: undefined field 'maxReplicaz'"),
        misspelt.stderr());
    Result costly = kubectlIn(crd.replace("{rule: \"self == oldSelf\", message: \"Value is immutable\"}",
        "{rule: \"self.split(' ').all(a, self.split(' ').all(b, a != b || true))\"}"), "apply", "-f", "-");
    assertTrue(costly.stderr().contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[cronSpec]"
        + ".x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x"),
        costly.stderr());
    ok(kubectlIn(crd, "apply", "-f", "-"));
    ok(kubectl("wait", "--for", "condition=established", "crd/crontabs.cel.example.com", "--timeout=30s"));
    String tab = "apiVersion: cel.example.com/v1\nkind: CronTab\nmetadata: {name: my-new-cron-object}\n"
        + "spec: {cronSpec: '* * * * */5', minReplicas: 0, replicas: %d, maxReplicas: 10}\n";
    Result bad = kubectlIn(tab.formatted(20), "create", "-f", "-");
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.stderr().contains("The CronTab \"my-new-cron-object\" is invalid: spec: Invalid value: \"object\": "
        + "replicas should be in the range minReplicas..maxReplicas."), bad.stderr());
    ok(kubectlIn(tab.formatted(5), "create", "-f", "-"));
    Result immutable = kubectl("patch", "crontab", "my-new-cron-object", "--type=merge", "-p",
        "{\"spec\":{\"cronSpec\":\"0 * * * *\"}}");
    assertNotEquals(0, immutable.exitCode());
    assertTrue(immutable.stderr().contains("spec.cronSpec: Invalid value: \"string\": Value is immutable"),
        immutable.stderr());
    ok(kubectl("patch", "crontab", "my-new-cron-object", "--type=merge", "-p", "{\"spec\":{\"replicas\":7}}"));
    ok(kubectl("delete", "crd", "crontabs.cel.example.com", "--timeout=60s"));
  }

  @Test
  void aConversionWebhookServesTheOtherVersionsFromTheStorageVersion() throws Exception {
    try (ConversionWebhookServer hook = new ConversionWebhookServer()) {
      String crd = """
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata: {name: crontabs.stable.example.com}
          spec:
            group: stable.example.com
            scope: Namespaced
            names: {plural: crontabs, singular: crontab, kind: CronTab}
            versions:
            - name: v1beta1
              served: true
              storage: false
              schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {
                cronSpec: {type: string}, image: {type: string}}}}}}
            - name: v1
              served: true
              storage: true
              schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {
                schedule: {type: string}, image: {type: string}}}}}}
            conversion:
              strategy: Webhook
              webhook:
                conversionReviewVersions: [v1, v1beta1]
                clientConfig: {url: '%s', caBundle: '%s'}
          """.formatted(hook.url(), hook.caBundle());
      ok(kubectlIn(crd, "apply", "-f", "-"));
      ok(kubectl("wait", "--for", "condition=established", "crd/crontabs.stable.example.com", "--timeout=30s"));
      ok(kubectl("create", "namespace", "cron"));
      ok(kubectlIn("apiVersion: stable.example.com/v1beta1\nkind: CronTab\nmetadata: {name: old-style}\n"
          + "spec: {cronSpec: '* * * * */5', image: my-awesome-cron-image}\n", "-n", "cron", "create", "-f", "-"));
      ok(kubectlIn("apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: new-style}\n"
          + "spec: {schedule: '0 * * * *', image: my-awesome-cron-image}\n", "-n", "cron", "create", "-f", "-"));
      // stored in v1: the v1beta1 object came through the webhook
      assertEquals("* * * * */5", ok(kubectl("-n", "cron", "get", "crontabs.v1.stable.example.com", "old-style", "-o",
          "jsonpath={.spec.schedule}")).stdout());
      int before = hook.reviews.size();
      JsonNode beta = json(kubectl("-n", "cron", "get", "crontabs.v1beta1.stable.example.com", "-o", "json"));
      assertEquals(List.of(2), hook.sizes().subList(before, hook.sizes().size()), "a LIST is one review");
      assertEquals("apiextensions.k8s.io/v1", hook.reviews.get(before).path("apiVersion").asText());
      assertEquals("stable.example.com/v1beta1", hook.reviews.get(before).at("/request/desiredAPIVersion").asText());
      assertEquals("0 * * * *", beta.at("/items/0/spec/cronSpec").asText());
      assertEquals("* * * * */5", beta.at("/items/1/spec/cronSpec").asText());
      assertEquals("stable.example.com/v1beta1", beta.at("/items/1/apiVersion").asText());
      assertEquals(1, beta.at("/items/1/metadata/generation").asInt(), "only labels and annotations are taken");
      assertTrue(ok(kubectl("-n", "cron", "get", "crontabs.v1beta1.stable.example.com", "new-style", "-o", "yaml"))
          .stdout().contains("cronSpec: 0 * * * *"));
      ok(kubectl("-n", "cron", "patch", "crontabs.v1beta1.stable.example.com", "new-style", "--type=merge", "-p",
          "{\"spec\":{\"cronSpec\":\"*/10 * * * *\"}}"));
      assertEquals("*/10 * * * *", ok(kubectl("-n", "cron", "get", "crontabs.v1.stable.example.com", "new-style",
          "-o", "jsonpath={.spec.schedule}")).stdout());
      String watched = ok(kubectl("get", "--raw",
          "/apis/stable.example.com/v1beta1/namespaces/cron/crontabs?watch=true&timeoutSeconds=1")).stdout();
      assertEquals(2, watched.lines().filter(l -> l.contains("\"type\":\"ADDED\"") && l.contains("cronSpec"))
          .count(), watched);
      hook.answer = a -> {
        a.path("response").path("convertedObjects").forEach(o ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) o.path("metadata")).putObject("labels")
                .put("converted", "yes"));
        return a;
      };
      assertEquals("yes", ok(kubectl("-n", "cron", "get", "crontabs.v1beta1.stable.example.com", "old-style", "-o",
          "jsonpath={.metadata.labels.converted}")).stdout());
      hook.answer = a -> {
        ((com.fasterxml.jackson.databind.node.ObjectNode) a.path("response")).putObject("result")
            .put("status", "Failure").put("message", "cannot convert today");
        return a;
      };
      Result failed = kubectl("-n", "cron", "get", "crontabs.v1beta1.stable.example.com");
      assertNotEquals(0, failed.exitCode());
      assertEquals("Error from server: conversion webhook for stable.example.com/v1, Kind=CronTab failed: cannot "
          + "convert today\n", failed.stderr());
      assertEquals("[\"v1\"]", ok(kubectl("get", "crd", "crontabs.stable.example.com", "-o",
          "jsonpath={.status.storedVersions}")).stdout());
      hook.answer = java.util.function.UnaryOperator.identity();
      ok(kubectlIn("apiVersion: stable.example.com/v1beta1\nkind: CronTab\nmetadata: {name: applied}\n"
          + "spec: {cronSpec: '5 * * * *'}\n", "-n", "cron", "apply", "--server-side", "-f", "-"));
      assertEquals("5 * * * *", ok(kubectl("-n", "cron", "get", "crontabs.v1.stable.example.com", "applied", "-o",
          "jsonpath={.spec.schedule}")).stdout(), "a server-side apply in v1beta1 creates the object");
      assertEquals("stable.example.com/v1beta1", ok(kubectl("-n", "cron", "get", "crontabs.v1.stable.example.com",
          "applied", "-o", "jsonpath={.metadata.managedFields[0].apiVersion}")).stdout(), "recorded in its version");
      // the webhook behind a Service: reached at a ready endpoint, its certificate naming convert.hooks.svc
      ok(kubectlIn(hook.serviceManifests("hooks", "convert"), "apply", "-f", "-"));
      ok(kubectl("patch", "crd", "crontabs.stable.example.com", "--type=merge", "-p", "{\"spec\":{\"conversion\":"
          + "{\"webhook\":{\"clientConfig\":{\"url\":null,\"service\":{\"namespace\":\"hooks\",\"name\":\"convert\","
          + "\"path\":\"/convert\"}}}}}}"));
      int reviews = hook.reviews.size();
      await().atMost(WAIT).until(() -> kubectl("get", "crd", "crontabs.stable.example.com", "-o",
          "jsonpath={.spec.conversion.webhook.clientConfig.url}").stdout().isEmpty());
      await().atMost(WAIT).untilAsserted(() -> assertEquals("5 * * * *", ok(kubectl("-n", "cron", "get",
          "crontabs.v1beta1.stable.example.com", "applied", "-o", "jsonpath={.spec.cronSpec}")).stdout()));
      assertTrue(hook.reviews.size() > reviews, "the service's endpoint answered");
      ok(kubectl("delete", "crd", "crontabs.stable.example.com", "--timeout=60s"));
    }
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

  @Test
  void aCrdWhoseKindAnotherHasWaitsUntilItIsFree() throws Exception {
    ok(kubectlIn(namesCrd("sprockets", "sprocket", "Sprocket", "sp"), "apply", "-f", "-"));
    ok(kubectl("wait", "--for", "condition=established", "crd/sprockets.names.example.com", "--timeout=30s"));
    ok(kubectlIn(namesCrd("cogs", "cog", "Sprocket", "cg"), "apply", "-f", "-"));
    await().atMost(WAIT).until(() -> condition("cogs.names.example.com", "NamesAccepted").path("status").asText()
        .equals("False"));
    JsonNode names = condition("cogs.names.example.com", "NamesAccepted");
    // the kind and its defaulted list kind both conflict: kube reports the last field it checked
    assertEquals("ListKindConflict", names.path("reason").asText(), names.toString());
    assertEquals("\"SprocketList\" is already in use", names.path("message").asText(), names.toString());
    JsonNode established = condition("cogs.names.example.com", "Established");
    assertEquals("False", established.path("status").asText(), established.toString());
    assertEquals("NotAccepted", established.path("reason").asText(), established.toString());
    Result cogs = kubectl("get", "cogs");
    assertTrue(cogs.exitCode() != 0 && cogs.stderr().contains("the server doesn't have a resource type \"cogs\""),
        "a CRD whose names are not accepted is not served: " + cogs);

    ok(kubectl("delete", "crd", "sprockets.names.example.com", "--timeout=60s"));
    ok(kubectl("wait", "--for", "condition=established", "crd/cogs.names.example.com", "--timeout=30s"));
    assertEquals("NoConflicts", condition("cogs.names.example.com", "NamesAccepted").path("reason").asText());
    await().atMost(WAIT).until(() -> kubectl("get", "cg").exitCode() == 0);
    ok(kubectl("delete", "crd", "cogs.names.example.com", "--timeout=60s"));
  }

  private static String namesCrd(String plural, String singular, String kind, String shortName) {
    return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: " + plural
        + ".names.example.com}\nspec:\n  group: names.example.com\n  scope: Namespaced\n  names: {plural: " + plural
        + ", singular: " + singular + ", kind: " + kind + ", shortNames: [" + shortName + "]}\n  versions:\n"
        + "  - name: v1\n    served: true\n    storage: true\n"
        + "    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n";
  }

  private static JsonNode condition(String crd, String type) throws Exception {
    for (JsonNode c : json(ok(kubectl("get", "crd", crd, "-o", "json"))).path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  @Test
  void fabric8TypedGenericInformerAndWaitUntilCondition() throws Exception {
    ok(kubectl("create", "namespace", "fabric8-sites"));
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.adminKubeconfig())).build()) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .withName("websites.extensions.example.com")
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
      assertEquals("Website", crd.getStatus().getAcceptedNames().getKind());

      var websites = client.resources(Website.class).inNamespace("fabric8-sites");
      List<String> seen = new CopyOnWriteArrayList<>();
      SharedIndexInformer<Website> informer = websites.inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Website w) {
          seen.add("add " + w.getMetadata().getName());
        }

        @Override
        public void onUpdate(Website o, Website n) {
          seen.add("update " + n.getMetadata().getName() + " " + n.getSpec().replicas);
        }

        @Override
        public void onDelete(Website w, boolean unknown) {
          seen.add("delete " + w.getMetadata().getName());
        }
      });
      try {
        Website w = new Website();
        w.setMetadata(new ObjectMetaBuilder().withName("typed").build());
        w.setSpec(new Website.Spec());
        w.getSpec().gitRepo = "git://example.com/typed.git";
        Website created = websites.resource(w).create();
        assertEquals(1, created.getSpec().replicas, "defaulted by the schema");
        created.getSpec().replicas = 4;
        websites.resource(created).update();
        Website.Status status = new Website.Status();
        status.replicas = 4;
        created = websites.withName("typed").get();
        created.setStatus(status);
        assertEquals(4, websites.resource(created).updateStatus().getStatus().replicas);

        GenericKubernetesResource generic = client.genericKubernetesResources(
                new ResourceDefinitionContext.Builder().withGroup("extensions.example.com").withVersion("v1")
                    .withPlural("websites").withKind("Website").withNamespaced(true).build())
            .inNamespace("fabric8-sites").withName("typed").get();
        assertEquals("git://example.com/typed.git",
            ((Map<?, ?>) generic.getAdditionalProperties().get("spec")).get("gitRepo"));
        assertEquals(1, websites.list().getItems().size());
        websites.withName("typed").delete();
        await().atMost(WAIT).until(() -> seen.containsAll(List.of("add typed", "update typed 4", "delete typed")));
      } finally {
        informer.close();
      }
    }
  }

  @Test
  void officialClientDynamicApi() throws Exception {
    ok(kubectl("create", "namespace", "dynamic-sites"));
    ApiClient api = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(server.adminKubeconfig())))
        .build();
    DynamicKubernetesApi dynamic = new DynamicKubernetesApi("extensions.example.com", "v1", "websites", api);
    DynamicKubernetesObject obj = Dynamics.newFromYaml("apiVersion: extensions.example.com/v1\nkind: Website\n"
        + "metadata: {name: dyn, namespace: dynamic-sites}\nspec: {gitRepo: 'https://example.com/dyn.git'}\n");
    KubernetesApiResponse<DynamicKubernetesObject> created = dynamic.create(obj);
    assertTrue(created.isSuccess(), () -> String.valueOf(created.getStatus()));
    assertEquals(1, created.getObject().getRaw().getAsJsonObject("spec").get("replicas").getAsInt());
    KubernetesApiResponse<DynamicKubernetesObject> got = dynamic.get("dynamic-sites", "dyn");
    assertEquals("dyn", got.getObject().getMetadata().getName());
    assertEquals(1, dynamic.list("dynamic-sites").getObject().getItems().size());
    DynamicKubernetesObject bad = Dynamics.newFromYaml("apiVersion: extensions.example.com/v1\nkind: Website\n"
        + "metadata: {name: bad, namespace: dynamic-sites}\nspec: {replicas: -2}\n");
    KubernetesApiResponse<DynamicKubernetesObject> refused = dynamic.create(bad);
    assertEquals(422, refused.getHttpStatusCode());
    assertTrue(refused.getStatus().getMessage().contains("spec.gitRepo: Required value"), refused.getStatus().getMessage());
    assertTrue(refused.getStatus().getMessage().contains("spec.replicas: Invalid value: -2: spec.replicas in body should "
        + "be greater than or equal to 0"), refused.getStatus().getMessage());
    assertTrue(dynamic.delete("dynamic-sites", "dyn").isSuccess());
  }

  @Test
  void approvedCertificateSigningRequestGivesAWorkingClientCertificate() throws Exception {
    Path key = work.resolve("jane.key");
    Path csrPem = work.resolve("jane.csr");
    run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csrPem.toString(),
        "-subj", "/CN=jane/O=site-editors");
    String request = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(csrPem));
    ok(kubectlIn("apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: jane}\n"
        + "spec:\n  request: " + request + "\n  signerName: kubernetes.io/kube-apiserver-client\n"
        + "  expirationSeconds: 86400\n  usages: [client auth]\n", "create", "-f", "-"));
    assertTrue(ok(kubectl("get", "csr")).stdout().contains("jane"));
    ok(kubectl("certificate", "approve", "jane"));
    await().atMost(WAIT).until(() -> !json(kubectl("get", "csr", "jane", "-o", "json")).path("status")
        .path("certificate").asText("").isEmpty());
    Path crt = work.resolve("jane.crt");
    ok(kubectl("get", "csr", "jane", "-o", "jsonpath={.status.certificate}"));
    Files.write(crt, java.util.Base64.getDecoder().decode(
        ok(kubectl("get", "csr", "jane", "-o", "jsonpath={.status.certificate}")).stdout().trim()));
    Path janeConfig = work.resolve("jane.kubeconfig");
    Files.copy(config, janeConfig, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ok(kubectlWith(janeConfig, "config", "set-credentials", "jane", "--client-certificate=" + crt,
        "--client-key=" + key, "--embed-certs=true"));
    ok(kubectlWith(janeConfig, "config", "set-context", "--current", "--user=jane"));
    Result raw = kubectlWith(janeConfig, "get", "--raw", "/api");
    assertEquals(0, raw.exitCode(), "the issued certificate authenticates: " + raw.stderr());
    Result pods = kubectlWith(janeConfig, "get", "secrets", "-n", "default");
    assertTrue(pods.exitCode() == 0 || pods.stderr().contains("User \"jane\""),
        "requests run as jane: " + pods.stderr());
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

  static Result kubectlWith(Path kubeconfig, String... args) throws Exception {
    Path saved = config;
    config = kubeconfig;
    try {
      return kubectlIn(null, args);
    } finally {
      config = saved;
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
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

  /** Reads a background kubectl's output into {@code seen} until it matches {@code regex} (60 s at most). */
  private static void readUntil(Process p, StringBuilder seen, String regex) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      seen.append(new String(p.getInputStream().readNBytes(p.getInputStream().available()), StandardCharsets.UTF_8));
      return seen.toString().matches(regex);
    });
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
