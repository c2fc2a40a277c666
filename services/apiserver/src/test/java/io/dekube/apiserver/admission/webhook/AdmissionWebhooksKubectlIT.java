package io.dekube.apiserver.admission.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.apiserver.semantics.Kubectl;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.kafka.WithKafka;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission webhooks with the real kubectl against a real apiserver on a real broker, and a real
 * HTTPS webhook server: the two configuration kinds served with kube's defaults, table and
 * validation; a validating webhook behind a Service (its endpoint written by hand) that denies a
 * labelled pod on create and on a patch, with kube's message and the webhook's warnings; a mutating
 * webhook by URL that patches a label on create and on a patch; failurePolicy Fail against Ignore
 * with nothing listening; a namespace selector.
 */
@WithKafka
class AdmissionWebhooksKubectlIT {

  static ApiServerFixture server;
  static AdmissionWebhookServer webhook;
  static Kubectl kubectl;
  static KubectlManifests manifests;
  static Path work;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    manifests = KubectlManifests.of(server, "webhooks");
    kubectl = manifests.kubectl();
    work = manifests.work();
    webhook = new AdmissionWebhookServer();
    apply(webhook.serviceManifests("hooks", "webhook"));
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

  @Test
  void configurationsAreServedWithKubesDefaultsTableAndValidation() throws Exception {
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: defaults-check}
          webhooks:
          - name: noop.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/allow", caBundle: %s}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [limitranges]}]
            sideEffects: None
            admissionReviewVersions: [v1]
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: defaults-check}
          webhooks:
          - name: noop.dekube.io
            clientConfig: {service: {namespace: hooks, name: webhook}, caBundle: %s}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [limitranges]}]
            sideEffects: NoneOnDryRun
            admissionReviewVersions: [v1, v1beta1]
          """.formatted(webhook.port(), webhook.caBundle(), webhook.caBundle()),
          "validatingwebhookconfiguration/defaults-check", "mutatingwebhookconfiguration/defaults-check");
      Kubectl.Result table = kubectl.run("get", "validatingwebhookconfigurations");
      assertEquals(0, table.exit(), table.out());
      assertTrue(table.out().lines().findFirst().orElse("").matches("NAME\\s+WEBHOOKS\\s+AGE"), table.out());
      assertTrue(table.out().lines().anyMatch(l -> l.matches("defaults-check\\s+1\\s+\\S+")), table.out());
      Kubectl.Result validating = kubectl.run("get", "validatingwebhookconfiguration", "defaults-check", "-o",
          "jsonpath={.webhooks[0].failurePolicy}/{.webhooks[0].matchPolicy}/{.webhooks[0].timeoutSeconds}/"
              + "{.webhooks[0].rules[0].scope}/{.webhooks[0].namespaceSelector}/{.webhooks[0].objectSelector}");
      assertEquals("Fail/Equivalent/10/*/{}/{}", validating.out());
      Kubectl.Result mutating = kubectl.run("get", "mutatingwebhookconfiguration", "defaults-check", "-o",
          "jsonpath={.webhooks[0].reinvocationPolicy}/{.webhooks[0].clientConfig.service.port}/{.metadata.generation}");
      assertEquals("Never/443/1", mutating.out());
      Kubectl.Result resources = kubectl.run("api-resources", "--api-group=admissionregistration.k8s.io");
      assertTrue(resources.out().lines().anyMatch(l -> l.matches(
          "validatingwebhookconfigurations\\s+admissionregistration.k8s.io/v1\\s+false"
              + "\\s+ValidatingWebhookConfiguration")),
          resources.out());

      Kubectl.Result invalid = kubectl.run("create", "-f", file("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: bad}
          webhooks:
          - name: bad
            clientConfig: {url: "http://127.0.0.1/x?a=b"}
            rules: [{operations: [CREATE, "*"], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
            timeoutSeconds: 31
          """));
      assertNotEquals(0, invalid.exit(), invalid.out());
      assertTrue(invalid.out().contains("The ValidatingWebhookConfiguration \"bad\" is invalid: "), invalid.out());
      for (String cause : List.of(
          "webhooks[0].name: Invalid value: \"bad\": should be a domain with at least three segments separated by dots",
          "webhooks[0].rules[0].operations: Invalid value: []v1.OperationType{\"CREATE\", \"*\"}: if '*' is present, "
              + "must not specify other operations",
          "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
          "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
          "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired "
              + "format: https://host[/path]",
          "webhooks[0].clientConfig.url: Invalid value: \"a=b\": query parameters are not permitted in the URL",
          "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1")) {
        assertTrue(invalid.out().contains(cause), cause + " in\n" + invalid.out());
      }
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration,mutatingwebhookconfiguration", "defaults-check",
          "--ignore-not-found");
    }
  }

  @Test
  void aValidatingWebhookBehindAServiceDeniesALabelledPodOnCreateAndOnPatch() throws Exception {
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-pods, labels: {admission: pods}}
        """);
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: deny-labelled}
          webhooks:
          - name: deny.dekube.io
            clientConfig:
              service: {namespace: hooks, name: webhook, path: /deny-labelled}
              caBundle: %s
            rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
            namespaceSelector: {matchLabels: {admission: pods}}
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.caBundle()), "validatingwebhookconfiguration/deny-labelled");
      Kubectl.Result denied = kubectl.run("apply", "-f", file(pod("bad", "deny: \"true\"")));
      assertNotEquals(0, denied.exit(), denied.out());
      assertTrue(denied.out().contains("Error from server (Forbidden): error when creating"), denied.out());
      assertTrue(denied.out().contains("admission webhook \"deny.dekube.io\" denied the request: pods labelled "
          + "deny=true are not allowed"), denied.out());
      assertNotEquals(0, kubectl.run("get", "pod", "bad", "-n", "wh-pods").exit());

      Kubectl.Result allowed = kubectl.run("apply", "-f", file(pod("good", "app: web")));
      assertEquals(0, allowed.exit(), allowed.out());
      assertTrue(allowed.out().contains("Warning: deny-labelled saw good"), allowed.out());
      JsonNode create = webhook.seen("CREATE", "good").get(0);
      assertEquals("wh-pods", create.path("namespace").asText());
      assertEquals("admin", create.path("userInfo").path("username").asText());
      assertEquals("pods", create.path("resource").path("resource").asText());
      assertEquals("Pod", create.path("requestKind").path("kind").asText());
      assertTrue(create.path("oldObject").isNull(), create.toString());
      // the pod as kube decodes and its built-in plugins fill it: defaults and the ServiceAccount's token volume
      assertEquals("/dev/termination-log", create.at("/object/spec/containers/0/terminationMessagePath").asText(),
          create.toString());
      assertEquals("Always", create.at("/object/spec/restartPolicy").asText(), create.toString());
      assertEquals("default", create.at("/object/spec/serviceAccountName").asText(), create.toString());

      // kubectl label is a PATCH: the webhook sees the patched pod and the current one
      Kubectl.Result patch = kubectl.run("label", "pod", "good", "-n", "wh-pods", "deny=true");
      assertNotEquals(0, patch.exit(), patch.out());
      assertTrue(patch.out().contains("admission webhook \"deny.dekube.io\" denied the request: pods labelled "
          + "deny=true are not allowed"), patch.out());
      assertEquals("", kubectl.run("get", "pod", "good", "-n", "wh-pods", "-o",
          "jsonpath={.metadata.labels.deny}").out());
      JsonNode update = webhook.seen("UPDATE", "good").get(0);
      assertEquals("true", update.at("/object/metadata/labels/deny").asText(), update.toString());
      assertEquals("web", update.path("oldObject").path("metadata").path("labels").path("app").asText());
      assertFalse(update.path("oldObject").path("metadata").path("labels").has("deny"), update.toString());
      assertEquals("UpdateOptions", update.path("options").path("kind").asText(), update.toString());
      assertEquals(0, kubectl.run("label", "pod", "good", "-n", "wh-pods", "tier=front").exit());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "deny-labelled", "--ignore-not-found");
    }
  }

  @Test
  void matchConditionsSkipTheWebhookWhenFalseAndFailClosedOnAnError() throws Exception {
    apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: wh-cel}\n");
    String config = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: cel-conditions}
        webhooks:
        - name: deny-all.dekube.io
          clientConfig: {url: "https://127.0.0.1:%d/deny-all", caBundle: %s}
          rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
          matchConditions:
          - {name: checked, expression: "object.metadata.name.startsWith('checked-') && request.operation == 'CREATE'"}
          - name: rbac
            expression: >-
              authorizer.requestResource.check('create').allowed() &&
              !authorizer.serviceAccount('wh-cel', 'nobody').group('').resource('configmaps').check('create').allowed()
          - {name: strict, expression: "%s"}
          sideEffects: None
          admissionReviewVersions: [v1]
        """;
    Kubectl.Result invalid = kubectl.run("apply", "-f", file(config.formatted(webhook.port(), webhook.caBundle(),
        "object.data.mode ==")));
    assertNotEquals(0, invalid.exit(), invalid.out());
    assertTrue(invalid.out().contains("webhooks[0].matchConditions[2].expression: Invalid value: "
        + "\"object.data.mode ==\": compilation failed: ERROR: <input>:1:"), invalid.out());
    try {
      configure(config.formatted(webhook.port(), webhook.caBundle(), "object.data.mode == 'strict'"),
          "validatingwebhookconfiguration/cel-conditions");
      Kubectl.Result free = kubectl.run("create", "configmap", "free", "-n", "wh-cel", "--from-literal=mode=strict");
      assertEquals(0, free.exit(), "the first condition is false: the webhook is not called. " + free.out());
      Kubectl.Result lax = kubectl.run("create", "configmap", "checked-lax", "-n", "wh-cel", "--from-literal=mode=lax");
      assertEquals(0, lax.exit(), lax.out());
      Kubectl.Result strict = kubectl.run("create", "configmap", "checked-strict", "-n", "wh-cel",
          "--from-literal=mode=strict");
      assertNotEquals(0, strict.exit(), strict.out());
      assertTrue(strict.out().contains("admission webhook \"deny-all.dekube.io\" denied the request: nothing passes "
          + "here"), strict.out());
      Kubectl.Result error = kubectl.run("create", "configmap", "checked-empty", "-n", "wh-cel");
      assertNotEquals(0, error.exit(), error.out());
      assertTrue(error.out().contains("configmaps \"checked-empty\" is forbidden: expression 'object.data.mode == "
          + "'strict'' resulted in error: no such key: data"), error.out());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "cel-conditions", "--ignore-not-found");
    }
  }

  /**
   * kube-apiserver 1.32 compiles a policy at create with {@code request} typed, so a misspelt field is refused there;
   * an evaluation error under {@code Fail} is answered as kube's dispatcher answers a decision without a reason:
   * Invalid (422), which {@code kubectl create -f} prints as {@code The configmaps "x" is invalid: : ...} (kube's
   * message keeps NewForbidden's {@code is forbidden}, which {@code kubectl create configmap} prints).
   */
  @Test
  void aPolicyIsCompiledAtCreateAndItsEvaluationErrorIsAnsweredInvalid() throws Exception {
    Kubectl.Result misspelt = kubectl.run("apply", "-f", file("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: misspelt.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
          validations: [{expression: "request.operaton == 'CREATE'"}]
        """));
    assertNotEquals(0, misspelt.exit(), misspelt.out());
    assertTrue(misspelt.out().contains("spec.validations[0].expression: Invalid value: \"request.operaton == 'CREATE'\": "
        + "compilation failed: ERROR: <input>:1:8: undefined field 'operaton'"), misspelt.out());
    apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: vap-errors, labels: {policy: errors}}\n");
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: strict-mode.example.com}
          spec:
            failurePolicy: Fail
            matchConstraints:
              resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
            validations: [{expression: "object.data.mode == 'strict'"}]
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: strict-mode-binding}
          spec:
            policyName: strict-mode.example.com
            validationActions: [Deny]
            matchResources:
              namespaceSelector:
                matchLabels: {policy: errors}
          """, "validatingadmissionpolicy/strict-mode.example.com",
          "validatingadmissionpolicybinding/strict-mode-binding");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Kubectl.Result error = kubectl.run("create", "-f",
            file("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: empty, namespace: vap-errors}\n"));
        assertNotEquals(0, error.exit(), error.out());
        assertTrue(error.out().contains("The configmaps \"empty\" is invalid: : ValidatingAdmissionPolicy "
            + "'strict-mode.example.com' with binding 'strict-mode-binding' denied request: expression "
            + "'object.data.mode == 'strict'' resulted in error: no such key: data"), error.out());
      });
    } finally {
      kubectl.run("delete", "validatingadmissionpolicybinding", "strict-mode-binding", "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicy", "strict-mode.example.com", "--ignore-not-found");
    }
  }

  @Test
  void aValidatingAdmissionPolicyDeniesADeploymentAboveFiveReplicasAsKubesDocsShow() throws Exception {
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: vap-test, labels: {environment: test}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: limits, namespace: vap-test}
        data: {maxReplicas: "3"}
        """);
    Kubectl.Result invalid = kubectl.run("apply", "-f", file("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: broken.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
          validations: [{expression: "object.spec.replicas <="}]
        """));
    assertNotEquals(0, invalid.exit(), invalid.out());
    assertTrue(invalid.out().contains("spec.validations[0].expression: Invalid value: \"object.spec.replicas <=\": "
        + "compilation failed: ERROR: <input>:1:"), invalid.out());
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: demo-policy.example.com}
          spec:
            failurePolicy: Fail
            matchConstraints:
              resourceRules:
              - apiGroups: [apps]
                apiVersions: [v1]
                operations: [CREATE, UPDATE]
                resources: [deployments]
            validations:
            - expression: "object.spec.replicas <= 5"
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: demo-binding-test.example.com}
          spec:
            policyName: demo-policy.example.com
            validationActions: [Deny]
            matchResources:
              namespaceSelector:
                matchLabels: {environment: test}
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: replica-limit.example.com}
          spec:
            paramKind: {apiVersion: v1, kind: ConfigMap}
            matchConstraints:
              resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
            variables: [{name: replicas, expression: "object.spec.replicas"}]
            validations:
            - expression: "variables.replicas <= int(params.data.maxReplicas)"
              messageExpression: "'replicas ' + string(variables.replicas) + ' above ' + params.data.maxReplicas"
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: replica-limit-binding}
          spec:
            policyName: replica-limit.example.com
            validationActions: [Warn]
            paramRef: {name: limits, parameterNotFoundAction: Deny}
          """, "validatingadmissionpolicy/demo-policy.example.com",
          "validatingadmissionpolicybinding/demo-binding-test.example.com",
          "validatingadmissionpolicy/replica-limit.example.com",
          "validatingadmissionpolicybinding/replica-limit-binding");
      Kubectl.Result table = kubectl.run("get", "validatingadmissionpolicies");
      assertTrue(table.out().lines().anyMatch(l -> l.matches("replica-limit.example.com\\s+1\\s+v1/ConfigMap\\s+\\S+")),
          table.out());
      Kubectl.Result bindings = kubectl.run("get", "validatingadmissionpolicybindings");
      assertTrue(bindings.out().lines().anyMatch(l -> l.matches(
          "demo-binding-test.example.com\\s+demo-policy.example.com\\s+<unset>\\s+\\S+")), bindings.out());

      // kube's docs, "Type checking": the validatingadmissionpolicy-status controller checks each generation
      apply("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: deploy-replica-policy.example.com}
          spec:
            matchConstraints:
              resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
            validations:
            - expression: "object.replicas > 1" # should be "object.spec.replicas > 1"
              message: "must be replicated"
              reason: Invalid
          """);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(kubectl.run("get",
          "validatingadmissionpolicy", "deploy-replica-policy.example.com", "-o", "yaml").out().contains("""
          status:
            observedGeneration: 1
            typeChecking:
              expressionWarnings:
              - fieldRef: spec.validations[0].expression
                warning: |
                  apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'
                   | object.replicas > 1
                   | ......^
          """)));
      // fixed: the next generation is checked, and its status has no warnings left
      kubectl.run("patch", "validatingadmissionpolicy", "deploy-replica-policy.example.com", "--type=json", "-p",
          "[{\"op\":\"replace\",\"path\":\"/spec/validations/0/expression\",\"value\":\"object.spec.replicas > 1\"}]");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(kubectl.run("get",
          "validatingadmissionpolicy", "deploy-replica-policy.example.com", "-o", "yaml").out()
          .endsWith("status:\n  observedGeneration: 2\n  typeChecking: {}\n")));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(kubectl.run("get",
          "validatingadmissionpolicy", "demo-policy.example.com", "-o", "yaml").out().contains("""
          status:
            observedGeneration: 1
            typeChecking: {}
          """)));
      Kubectl.Result denied = kubectl.run("create", "-f", file("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: nginx, namespace: vap-test}
          spec:
            replicas: 6
            selector: {matchLabels: {app: nginx}}
            template:
              metadata: {labels: {app: nginx}}
              spec: {containers: [{name: nginx, image: nginx}]}
          """));
      assertNotEquals(0, denied.exit(), denied.out());
      assertTrue(denied.out().contains("The deployments \"nginx\" is invalid: : ValidatingAdmissionPolicy "
          + "'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: "
          + "object.spec.replicas <= 5"), denied.out());
      // kube's docs' policy on a Deployment that leaves replicas out: the policy sees the default, 1
      Kubectl.Result defaulted = kubectl.run("create", "-f", file("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: unscaled, namespace: vap-test}
          spec:
            selector: {matchLabels: {app: unscaled}}
            template:
              metadata: {labels: {app: unscaled}}
              spec: {containers: [{name: nginx, image: nginx}]}
          """));
      assertEquals(0, defaulted.exit(), defaulted.out());
      assertFalse(defaulted.out().contains("Warning"), defaulted.out());
      Kubectl.Result warned = kubectl.run("create", "deployment", "nginx", "-n", "vap-test", "--image=nginx",
          "--replicas=4");
      assertEquals(0, warned.exit(), warned.out());
      assertTrue(warned.out().contains("Warning: Validation failed for ValidatingAdmissionPolicy "
          + "'replica-limit.example.com' with binding 'replica-limit-binding': replicas 4 above 3"), warned.out());
      Kubectl.Result patched = kubectl.run("patch", "deployment", "nginx", "-n", "vap-test", "-p",
          "{\"spec\":{\"replicas\":7}}");
      assertNotEquals(0, patched.exit(), patched.out());
      assertTrue(patched.out().contains("denied request: failed expression: object.spec.replicas <= 5"), patched.out());
    } finally {
      kubectl.run("delete", "validatingadmissionpolicybinding", "demo-binding-test.example.com",
          "replica-limit-binding", "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicy", "demo-policy.example.com", "replica-limit.example.com",
          "deploy-replica-policy.example.com", "--ignore-not-found");
    }
  }

  /**
   * As kube-apiserver's store calls the validating admission: a create's policies and validating webhooks see its
   * generated name, uid, creationTimestamp and qosClass, and the stored pod is the one they saw.
   */
  @Test
  void policiesAndValidatingWebhooksSeeACreateWithItsGeneratedNameUidAndCreationTimestamp() throws Exception {
    apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: vap-names, labels: {names: checked}}\n");
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: generated-names.example.com}
          spec:
            matchConstraints:
              resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            validations:
            - expression: "object.metadata.name.startsWith('web-') && size(object.metadata.name) == 9"
              message: only generated web- pods here
            - expression: "object.metadata.uid != '' && object.status.qosClass == 'BestEffort'"
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: generated-names-binding}
          spec:
            policyName: generated-names.example.com
            validationActions: [Deny]
            matchResources: {namespaceSelector: {matchLabels: {names: checked}}}
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: record-names}
          webhooks:
          - name: record.dekube.io
            clientConfig:
              service: {namespace: hooks, name: webhook, path: /record}
              caBundle: %s
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
            namespaceSelector: {matchLabels: {names: checked}}
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.caBundle()), "validatingadmissionpolicy/generated-names.example.com",
          "validatingadmissionpolicybinding/generated-names-binding", "validatingwebhookconfiguration/record-names");
      String pod = """
          apiVersion: v1
          kind: Pod
          metadata: {generateName: %s, namespace: vap-names, uid: chosen-by-the-client}
          spec:
            containers: [{name: web, image: dekube/web}]
          """;
      Kubectl.Result created = kubectl.run("create", "-f", file(pod.formatted("web-")), "-o", "name");
      assertEquals(0, created.exit(), created.out());
      String name = created.out().trim().replace("pod/", "");
      assertTrue(name.matches("web-[a-z0-9]{5}"), created.out());
      List<JsonNode> seen = webhook.seen("CREATE", name);
      assertEquals(1, seen.size(), "the review names the generated name, as kube's validating attributes do");
      JsonNode object = seen.get(0).path("object");
      assertEquals(name, object.at("/metadata/name").asText(), object.toString());
      assertEquals("BestEffort", object.at("/status/qosClass").asText(), object.toString());
      Kubectl.Result stored = kubectl.run("get", "pod", name, "-n", "vap-names", "-o",
          "jsonpath={.metadata.uid} {.metadata.creationTimestamp}");
      assertEquals(0, stored.exit(), stored.out());
      assertEquals(object.at("/metadata/uid").asText() + " " + object.at("/metadata/creationTimestamp").asText(),
          stored.out().trim(), "the stored pod is the one the webhook saw");
      assertNotEquals("chosen-by-the-client", object.at("/metadata/uid").asText());

      Kubectl.Result denied = kubectl.run("create", "-f", file(pod.formatted("db-")));
      assertNotEquals(0, denied.exit(), denied.out());
      assertTrue(denied.out().matches("(?s).*The pods \"db-[a-z0-9]{5}\" is invalid: : ValidatingAdmissionPolicy "
          + "'generated-names.example.com' with binding 'generated-names-binding' denied request: only generated web- "
          + "pods here.*"), denied.out());
    } finally {
      kubectl.run("delete", "validatingadmissionpolicybinding", "generated-names-binding", "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicy", "generated-names.example.com", "--ignore-not-found");
      kubectl.run("delete", "validatingwebhookconfiguration", "record-names", "--ignore-not-found");
    }
  }

  @Test
  void aMutatingWebhookByUrlAddsALabelOnCreateAndOnPatch() throws Exception {
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-mutate, labels: {admission: mutate}}
        """);
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: MutatingWebhookConfiguration
          metadata: {name: add-label}
          webhooks:
          - name: label.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/add-label", caBundle: %s}
            rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
            namespaceSelector: {matchLabels: {admission: mutate}}
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle()), "mutatingwebhookconfiguration/add-label");
      assertEquals(0, kubectl.run("create", "configmap", "settings", "-n", "wh-mutate", "--from-literal=a=b").exit());
      assertEquals("yes", kubectl.run("get", "configmap", "settings", "-n", "wh-mutate", "-o",
          "jsonpath={.metadata.labels.mutated}").out());

      Kubectl.Result patch = kubectl.run("patch", "configmap", "settings", "-n", "wh-mutate", "--type=merge", "-p",
          "{\"data\":{\"a\":\"c\"},\"metadata\":{\"labels\":{\"mutated\":null}}}");
      assertEquals(0, patch.exit(), patch.out());
      assertEquals("c/yes", kubectl.run("get", "configmap", "settings", "-n", "wh-mutate", "-o",
          "jsonpath={.data.a}/{.metadata.labels.mutated}").out());
      JsonNode update = webhook.seen("UPDATE", "settings").get(0);
      assertEquals("c", update.path("object").path("data").path("a").asText(), update.toString());
      assertEquals("b", update.path("oldObject").path("data").path("a").asText(), update.toString());

      // a server-side apply that creates, then one that changes: both admitted on the object they yield
      String applied = file("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: applied, namespace: wh-mutate}
          data: {k: v1}
          """);
      Kubectl.Result create = kubectl.run("apply", "--server-side", "-f", applied);
      assertEquals(0, create.exit(), create.out());
      Files.writeString(Path.of(applied), Files.readString(Path.of(applied)).replace("v1}", "v2}"));
      Kubectl.Result change = kubectl.run("apply", "--server-side", "-f", applied);
      assertEquals(0, change.exit(), change.out());
      assertEquals("v2/yes", kubectl.run("get", "configmap", "applied", "-n", "wh-mutate", "-o",
          "jsonpath={.data.k}/{.metadata.labels.mutated}").out());
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration", "add-label", "--ignore-not-found");
    }
  }

  @Test
  void failurePolicyFailAnswers500WhileIgnoreLetsTheRequestThrough() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-down, labels: {admission: down}}
        """);
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: down}
          webhooks:
          - name: fail.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/x"}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
            namespaceSelector: {matchLabels: {admission: down}}
            failurePolicy: Fail
            sideEffects: None
            admissionReviewVersions: [v1]
          - name: ignore.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/x"}
            rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
            namespaceSelector: {matchLabels: {admission: down}}
            failurePolicy: Ignore
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(closed, closed), "validatingwebhookconfiguration/down");
      Kubectl.Result failed = kubectl.run("create", "configmap", "c", "-n", "wh-down", "--from-literal=a=b");
      assertNotEquals(0, failed.exit(), failed.out());
      assertTrue(failed.out().contains("Internal error occurred: failed calling webhook \"fail.dekube.io\": failed "
          + "to call webhook: Post \"https://127.0.0.1:" + closed + "/x?timeout=10s\": dial tcp 127.0.0.1:" + closed
          + ": connect: connection refused"), failed.out());
      Kubectl.Result ignored = kubectl.run("create", "secret", "generic", "s", "-n", "wh-down", "--from-literal=a=b");
      assertEquals(0, ignored.exit(), ignored.out());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "down", "--ignore-not-found");
    }
  }

  @Test
  void aNamespaceSelectorSendsOnlyTheLabelledNamespacesRequests() throws Exception {
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-closed, labels: {admission: closed}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: wh-open}
        """);
    try {
      configure("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: closed}
          webhooks:
          - name: deny-all.dekube.io
            clientConfig: {url: "https://127.0.0.1:%d/deny-all", caBundle: %s}
            rules: [{operations: ["*"], apiGroups: [""], apiVersions: ["*"], resources: [serviceaccounts]}]
            namespaceSelector: {matchExpressions: [{key: admission, operator: In, values: [closed]}]}
            sideEffects: None
            admissionReviewVersions: [v1]
          """.formatted(webhook.port(), webhook.caBundle()), "validatingwebhookconfiguration/closed");
      assertEquals(0, kubectl.run("create", "serviceaccount", "robot", "-n", "wh-open").exit());
      Kubectl.Result denied = kubectl.run("create", "serviceaccount", "robot", "-n", "wh-closed");
      assertNotEquals(0, denied.exit(), denied.out());
      assertTrue(denied.out().contains("admission webhook \"deny-all.dekube.io\" denied the request: nothing passes "
          + "here"), denied.out());

      assertEquals(0, kubectl.run("label", "namespace", "wh-open", "admission=closed").exit());
      assertEquals(0, kubectl.run("get", "namespace", "wh-open").exit()); // a consistent read: the cache has the label
      Kubectl.Result delete = kubectl.run("delete", "serviceaccount", "robot", "-n", "wh-open");
      assertNotEquals(0, delete.exit(), delete.out());
      assertTrue(delete.out().contains("admission webhook \"deny-all.dekube.io\" denied the request"), delete.out());
    } finally {
      kubectl.run("delete", "validatingwebhookconfiguration", "closed", "--ignore-not-found");
    }
  }

  private static String pod(String name, String labels) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: wh-pods
          labels: {%s}
        spec:
          containers: [{name: web, image: dekube/web}]
        """.formatted(name, labels);
  }

  /** Applies the configurations, then reads them back: a consistent read, so the apiserver's caches hold them. */
  private static void configure(String yaml, String... objects) throws Exception {
    manifests.configure(yaml, objects);
  }

  private static void apply(String yaml) throws Exception {
    manifests.apply(yaml);
  }

  private static String file(String yaml) throws Exception {
    return manifests.file(yaml);
  }
}
