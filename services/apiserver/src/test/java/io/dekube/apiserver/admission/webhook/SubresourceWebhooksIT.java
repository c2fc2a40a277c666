package io.dekube.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.apiserver.semantics.Kubectl;
import io.dekube.core.admission.webhook.JsonTlsServer;
import io.dekube.core.model.Json;
import io.dekube.kafka.WithKafka;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests on subresources reach admission webhooks and ValidatingAdmissionPolicies as on kube-apiserver, each with
 * its own kind: {@code kubectl scale} as an {@code UPDATE} of {@code deployments/scale} with {@code autoscaling/v1}
 * Scales (a mutating webhook's replicas written, a policy's {@code object.spec.replicas} the Scale's); a pod binding
 * as a {@code CREATE} of {@code pods/binding} (the legacy {@code bindings} resource too) with a {@code Binding} whose
 * target a mutating webhook moves; an eviction as a {@code CREATE} of {@code pods/eviction} with a {@code policy/v1}
 * Eviction, denied in kube's words; {@code kubectl create token} as a {@code CREATE} of {@code serviceaccounts/token}
 * with its TokenRequest; an exec as a {@code CONNECT} of {@code pods/exec} with its {@code PodExecOptions}. And a
 * built-in kind's other served version under matchPolicy Equivalent: {@code autoscaling/v1} HPAs.
 */
@WithKafka
class SubresourceWebhooksIT {

  static ApiServerFixture server;
  static JsonTlsServer webhook;
  static final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  static Kubectl kubectl;
  static KubectlManifests manifests;
  static HttpClient admin;
  static Path work;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    manifests = KubectlManifests.of(server, "subresource-webhooks");
    kubectl = manifests.kubectl();
    work = manifests.work();
    admin = server.client(server.pki.adminClientCertificate());
    webhook = new JsonTlsServer("webhook", List.of("webhook.hooks.svc"), SubresourceWebhooksIT::answer);
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-sub}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: wh-sub}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: dekube/web}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p1, namespace: wh-sub}
        spec: {containers: [{name: web, image: dekube/web}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p2, namespace: wh-sub}
        spec: {containers: [{name: web, image: dekube/web}]}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: robot, namespace: wh-sub}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** {@code /allow} allows, {@code /deny} denies (403), {@code /replicas-3} and {@code /to-node-b} patch. */
  private static JsonNode answer(String path, JsonNode review) {
    requests.add(review);
    JsonNode request = review.path("request");
    ObjectNode answer = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode response = answer.putObject("response").put("uid", request.path("uid").asText()).put("allowed", true);
    String patch = switch (path) {
      case "/replicas-3" -> "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]";
      case "/to-node-b" -> "[{\"op\":\"replace\",\"path\":\"/target/name\",\"value\":\"node-b\"}]";
      case "/container-nope" -> "[{\"op\":\"add\",\"path\":\"/container\",\"value\":\"nope\"}]";
      default -> null;
    };
    if (path.equals("/deny")) {
      response.put("allowed", false).putObject("status").put("code", 403).put("reason", "Forbidden")
          .put("message", request.path("resource").path("resource").asText() + "/" + request.path("subResource")
              .asText() + " is closed");
    } else if (patch != null) {
      response.put("patchType", "JSONPatch").put("patch", Base64.getEncoder().encodeToString(
          patch.getBytes(StandardCharsets.UTF_8)));
    }
    return answer;
  }

  @Test
  void kubectlScaleIsAnUpdateOfTheScaleSubresourceThatAMutatingWebhookAndAPolicySee() throws Exception {
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: scale-mutator}
          webhooks:
          - name: replicas.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/replicas-3", caBundle: %s}
            rules: [{operations: [UPDATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments/scale]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: scale-watcher}
          webhooks:
          - name: watch.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/allow", caBundle: %s}
            rules: [{operations: [UPDATE], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/scale"]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle(), webhook.port(), webhook.caBundle()),
          "mutatingwebhookconfiguration/scale-mutator", "validatingwebhookconfiguration/scale-watcher");
      Kubectl.Result scaled = kubectl.run("scale", "deployment", "web", "-n", "wh-sub", "--replicas=5");
      assertEquals(0, scaled.exit(), scaled.out());
      assertEquals("3", kubectl.run("get", "deployment", "web", "-n", "wh-sub", "-o", "jsonpath={.spec.replicas}")
          .out(), "the mutating webhook's replicas are written");

      List<JsonNode> seen = seen("UPDATE", "web", "scale");
      assertEquals(2, seen.size(), seen.toString());
      JsonNode mutating = seen.get(0);
      assertEquals("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}", mutating.path("kind").toString());
      assertEquals(mutating.path("kind"), mutating.path("requestKind"));
      assertEquals("{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"}",
          mutating.path("resource").toString());
      assertEquals("wh-sub", mutating.path("namespace").asText());
      assertEquals("Scale", mutating.at("/object/kind").asText(), mutating.toString());
      assertEquals(5, mutating.at("/object/spec/replicas").asInt(), mutating.toString());
      assertEquals(1, mutating.at("/oldObject/spec/replicas").asInt(), mutating.toString());
      assertEquals("app=web", mutating.at("/oldObject/status/selector").asText(), mutating.toString());
      assertEquals("UpdateOptions", mutating.at("/options/kind").asText(), "kube admits a PATCH with UpdateOptions");
      assertEquals(3, seen.get(1).at("/object/spec/replicas").asInt(), "the validating one sees the mutated Scale");
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration", "scale-mutator", "--ignore-not-found");
      kubectl.run("delete", "validatingwebhookconfiguration", "scale-watcher", "--ignore-not-found");
    }

    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: scale-limit.example.com}
          spec:
            failurePolicy: Fail
            matchConstraints:
              resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments/scale]}]
            validations: [{expression: "object.spec.replicas <= 4"}]
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: scale-limit-binding.example.com}
          spec: {policyName: scale-limit.example.com, validationActions: [Deny]}
          """, "validatingadmissionpolicy/scale-limit.example.com",
          "validatingadmissionpolicybinding/scale-limit-binding.example.com");
      Kubectl.Result denied = kubectl.run("scale", "deployment", "web", "-n", "wh-sub", "--replicas=6");
      assertNotEquals(0, denied.exit(), denied.out());
      // reason Invalid (the default): kube's 422, as its docs show for a Deployment
      assertTrue(denied.out().contains("The deployments \"web\" is invalid: : ValidatingAdmissionPolicy "
          + "'scale-limit.example.com' with binding 'scale-limit-binding.example.com' denied request: failed "
          + "expression: object.spec.replicas <= 4"), denied.out());
      Kubectl.Result allowed = kubectl.run("scale", "deployment", "web", "-n", "wh-sub", "--replicas=4");
      assertEquals(0, allowed.exit(), allowed.out());
      // the policy names the subresource only: the Deployment itself is not checked
      assertEquals(0, kubectl.run("patch", "deployment", "web", "-n", "wh-sub", "-p", "{\"spec\":{\"replicas\":7}}")
          .exit());
    } finally {
      kubectl.run("delete", "validatingadmissionpolicybinding", "scale-limit-binding.example.com",
          "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicy", "scale-limit.example.com", "--ignore-not-found");
    }
  }

  @Test
  void aBindingIsACreateOfPodsBindingWhoseTargetAMutatingWebhookMoves() throws Exception {
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: binder}
          webhooks:
          - name: binder.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/to-node-b", caBundle: %s}
            rules:
            - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods/binding]}
            - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [bindings]}
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle()), "mutatingwebhookconfiguration/binder");
      String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"%s\"},"
          + "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"node-a\"}}";
      server.send(admin, "POST", "/api/v1/namespaces/wh-sub/pods/p1/binding", binding.formatted("p1"), 201);
      assertEquals("node-b", kubectl.run("get", "pod", "p1", "-n", "wh-sub", "-o", "jsonpath={.spec.nodeName}").out());
      JsonNode bind = seen("CREATE", "p1", "binding").get(0);
      assertEquals("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Binding\"}", bind.path("kind").toString());
      assertEquals("pods", bind.at("/resource/resource").asText());
      assertEquals("node-a", bind.at("/object/target/name").asText(), bind.toString());
      assertEquals("wh-sub", bind.at("/object/metadata/namespace").asText(), bind.toString());
      assertTrue(bind.path("oldObject").isNull(), bind.toString());
      assertEquals("CreateOptions", bind.at("/options/kind").asText());

      // the legacy POST .../bindings is a resource of its own, without a subresource
      server.send(admin, "POST", "/api/v1/namespaces/wh-sub/bindings", binding.formatted("p2"), 201);
      assertEquals("node-b", kubectl.run("get", "pod", "p2", "-n", "wh-sub", "-o", "jsonpath={.spec.nodeName}").out());
      JsonNode legacy = seen("CREATE", "p2", "").get(0);
      assertEquals("bindings", legacy.at("/resource/resource").asText(), legacy.toString());
      assertEquals("Binding", legacy.at("/kind/kind").asText());
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration", "binder", "--ignore-not-found");
    }
  }

  @Test
  void evictionsTokensAndExecsReachTheWebhooksWithTheirOwnKinds() throws Exception {
    apply("apiVersion: v1\nkind: Pod\nmetadata: {name: p3, namespace: wh-sub}\n"
        + "spec: {containers: [{name: web, image: dekube/web}]}\n");
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: closed-doors}
          webhooks:
          - name: doors.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/deny", caBundle: %s}
            rules:
            - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods/eviction]}
            - {operations: [CONNECT], apiGroups: [""], apiVersions: [v1], resources: [pods/exec, services/proxy]}
            sideEffects: None
            admissionReviewVersions: [v1]
          - name: tokens.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/allow", caBundle: %s}
            rules: [{operations: ["*"], apiGroups: [""], apiVersions: [v1], resources: [serviceaccounts/token]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle(), webhook.port(), webhook.caBundle()),
          "validatingwebhookconfiguration/closed-doors");

      HttpResponse<String> evicted = server.send(admin, "POST", "/api/v1/namespaces/wh-sub/pods/p3/eviction",
          "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"p3\"}}", 403);
      assertTrue(evicted.body().contains("admission webhook \\\"doors.dekube.io\\\" denied the request: "
          + "pods/eviction is closed"), evicted.body());
      assertEquals(0, kubectl.run("get", "pod", "p3", "-n", "wh-sub").exit(), "not evicted");
      JsonNode eviction = seen("CREATE", "p3", "eviction").get(0);
      assertEquals("{\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\"}", eviction.path("kind").toString());
      assertEquals("Eviction", eviction.at("/object/kind").asText());

      Kubectl.Result token = kubectl.run("create", "token", "robot", "-n", "wh-sub");
      assertEquals(0, token.exit(), token.out());
      JsonNode tokenRequest = seen("CREATE", "robot", "token").get(0);
      assertEquals("{\"group\":\"authentication.k8s.io\",\"version\":\"v1\",\"kind\":\"TokenRequest\"}",
          tokenRequest.path("kind").toString());
      assertEquals("serviceaccounts", tokenRequest.at("/resource/resource").asText());
      assertEquals(3600, tokenRequest.at("/object/spec/expirationSeconds").asInt(), tokenRequest.toString());
      // as kube's token REST fills it before the validating admission: the API audiences, name, creationTimestamp
      assertEquals("[\"https://kubernetes.default.svc.cluster.local\"]",
          tokenRequest.at("/object/spec/audiences").toString(), tokenRequest.toString());
      assertEquals("robot", tokenRequest.at("/object/metadata/name").asText(), tokenRequest.toString());
      assertFalse(tokenRequest.at("/object/metadata/creationTimestamp").asText("").isEmpty(), tokenRequest.toString());

      HttpResponse<String> exec = server.send(admin, "POST",
          "/api/v1/namespaces/wh-sub/pods/p3/exec?command=ls&command=-l&stdout=true&container=web", "", 403);
      assertTrue(exec.body().contains("pods/exec is closed"), exec.body());
      JsonNode connect = seen("CONNECT", "p3", "exec").get(0);
      assertEquals("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"PodExecOptions\"}", connect.path("kind").toString());
      assertEquals("{\"kind\":\"PodExecOptions\",\"apiVersion\":\"v1\",\"stdout\":true,\"container\":\"web\","
          + "\"command\":[\"ls\",\"-l\"]}", connect.path("object").toString());
      assertTrue(connect.path("oldObject").isNull());
      assertFalse(connect.has("options"), connect.toString());
      // every method of a proxy is a CONNECT with the path after /proxy
      HttpResponse<String> proxied = server.get(admin, "/api/v1/namespaces/wh-sub/services/web:80/proxy/healthz");
      assertEquals(403, proxied.statusCode(), proxied.body());
      assertTrue(proxied.body().contains("services/proxy is closed"), proxied.body());
      JsonNode proxy = seen("CONNECT", "web:80", "proxy").get(0);
      assertEquals("{\"kind\":\"ServiceProxyOptions\",\"apiVersion\":\"v1\",\"path\":\"/healthz\"}",
          proxy.path("object").toString());
      assertEquals("ServiceProxyOptions", proxy.at("/kind/kind").asText());
      Kubectl.Result kubectlExec = kubectl.run("exec", "p3", "-n", "wh-sub", "--", "ls");
      assertNotEquals(0, kubectlExec.exit(), kubectlExec.out());
      assertTrue(kubectlExec.out().contains("admission webhook \"doors.dekube.io\" denied the request: pods/exec is "
          + "closed"), kubectlExec.out());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "closed-doors", "--ignore-not-found");
    }
  }

  /** As kube's connect handler, the options a mutating webhook patched are the ones the attach is made with. */
  @Test
  void aConnectGoesOnWithTheOptionsAMutatingWebhookPatched() throws Exception {
    apply("apiVersion: v1\nkind: Pod\nmetadata: {name: p4, namespace: wh-sub}\n"
        + "spec: {nodeName: node-x, containers: [{name: web, image: dekube/web}]}\n");
    String attach = "/api/v1/namespaces/wh-sub/pods/p4/attach?container=web&stdout=true";
    HttpResponse<String> plain = server.send(admin, "POST", attach, "", 404);
    assertTrue(plain.body().contains("nodes \\\"node-x\\\" not found"), plain.body());
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: attach-mutator}
          webhooks:
          - name: attach.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/container-nope", caBundle: %s}
            rules: [{operations: [CONNECT], apiGroups: [""], apiVersions: [v1], resources: [pods/attach]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle()), "mutatingwebhookconfiguration/attach-mutator");
      HttpResponse<String> patched = server.send(admin, "POST", attach, "", 400);
      assertTrue(patched.body().contains("container nope is not valid for pod p4"), patched.body());
      JsonNode connect = seen("CONNECT", "p4", "attach").get(0);
      assertEquals("{\"kind\":\"PodAttachOptions\",\"apiVersion\":\"v1\",\"stdout\":true,\"container\":\"web\"}",
          connect.path("object").toString());
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration", "attach-mutator", "--ignore-not-found");
    }
  }

  /**
   * matchPolicy Equivalent over a built-in kind's versions: a webhook whose rules name only {@code autoscaling/v1}
   * gets an HPA written in {@code v2} as kube converts it for it ({@code kind} v1, {@code requestKind} v2, the object
   * in v1), and a PATCH sent to {@code autoscaling/v1} is admitted on the object it yields.
   */
  @Test
  void aV1RuleSeesAnHpaWrittenInV2ConvertedAndAV1PatchIsAdmitted() throws Exception {
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: hpa-v1}
          webhooks:
          - name: hpa-v1.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/allow", caBundle: %s}
            rules: [{operations: [CREATE, UPDATE], apiGroups: [autoscaling], apiVersions: [v1],
                     resources: [horizontalpodautoscalers]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle()), "validatingwebhookconfiguration/hpa-v1");
      apply("""
          apiVersion: autoscaling/v2
          kind: HorizontalPodAutoscaler
          metadata: {name: web, namespace: wh-sub}
          spec:
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
            minReplicas: 2
            maxReplicas: 5
            metrics:
            - type: Resource
              resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
          """);
      JsonNode create = seen("CREATE", "web", "").stream()
          .filter(r -> "horizontalpodautoscalers".equals(r.at("/resource/resource").asText())).findFirst().orElseThrow();
      assertEquals("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"HorizontalPodAutoscaler\"}",
          create.path("kind").toString());
      assertEquals("v1", create.at("/resource/version").asText());
      assertEquals("v2", create.at("/requestKind/version").asText());
      assertEquals("autoscaling/v1", create.at("/object/apiVersion").asText(), create.toString());
      assertEquals(60, create.at("/object/spec/targetCPUUtilizationPercentage").asInt(), create.toString());

      HttpResponse<String> patched = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
              server.server() + "/apis/autoscaling/v1/namespaces/wh-sub/horizontalpodautoscalers/web"))
          .header("Content-Type", "application/merge-patch+json").method("PATCH",
              java.net.http.HttpRequest.BodyPublishers.ofString("{\"spec\":{\"maxReplicas\":7}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, patched.statusCode(), patched.body());
      assertEquals("autoscaling/v1", Json.MAPPER.readTree(patched.body()).path("apiVersion").asText());
      assertEquals("7", kubectl.run("get", "hpa", "web", "-n", "wh-sub", "-o", "jsonpath={.spec.maxReplicas}").out());
      JsonNode patch = seen("UPDATE", "web", "").stream()
          .filter(r -> "horizontalpodautoscalers".equals(r.at("/resource/resource").asText())).findFirst().orElseThrow();
      assertEquals("v1", patch.at("/requestKind/version").asText());
      assertEquals("autoscaling/v1", patch.at("/object/apiVersion").asText(), patch.toString());
      assertEquals(7, patch.at("/object/spec/maxReplicas").asInt(), patch.toString());
      assertEquals(5, patch.at("/oldObject/spec/maxReplicas").asInt(), patch.toString());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "hpa-v1", "--ignore-not-found");
    }
  }

  /** The requests of {@code operation} on {@code name}'s {@code subresource} ("" for none), in arrival order. */
  private static List<JsonNode> seen(String operation, String name, String subresource) {
    return requests.stream().map(r -> r.path("request"))
        .filter(r -> operation.equals(r.path("operation").asText()) && name.equals(r.path("name").asText())
            && subresource.equals(r.path("subResource").asText("")))
        .toList();
  }

  /** Applies the configurations, then reads them back: a consistent read, so the apiserver's caches hold them. */
  private static void configure(String yaml, String... objects) throws Exception {
    manifests.configure(yaml, objects);
  }

  private static void apply(String yaml) throws Exception {
    manifests.apply(yaml);
  }
}
