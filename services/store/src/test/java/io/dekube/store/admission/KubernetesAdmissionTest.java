package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesAdmissionTest {

  static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  static final KubernetesAdmission ADMISSION = new KubernetesAdmission();

  static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ResourceType type(String resourceName) {
    return REGISTRY.byResourceName(resourceName).orElseThrow();
  }

  static ObjectNode create(String resource, String yaml) {
    return ADMISSION.admit(type(resource), Verb.CREATE, yaml(yaml), null);
  }

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: kube-decon}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: carsonoid/kube-decon:v1
              ports: [{containerPort: 8080}]
      """;

  /** (resource, input, JSON pointer, expected value as JSON). */
  static Stream<Arguments> defaults() {
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  containers:\n"
        + "  - {name: c, image: nginx, ports: [{containerPort: 80}]}\n  - {name: d, image: 'nginx:1.25',"
        + " livenessProbe: {grpc: {port: 2379}}}\n";
    String svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: d}\n"
        + "spec: {selector: {app: web}, ports: [{port: 80}]}\n";
    return Stream.of(
        Arguments.of("pods", pod, "/spec/restartPolicy", "\"Always\""),
        Arguments.of("pods", pod, "/spec/dnsPolicy", "\"ClusterFirst\""),
        Arguments.of("pods", pod, "/spec/terminationGracePeriodSeconds", "30"),
        Arguments.of("pods", pod, "/spec/schedulerName", "\"default-scheduler\""),
        Arguments.of("pods", pod, "/spec/securityContext", "{}"),
        Arguments.of("pods", pod, "/spec/enableServiceLinks", "true"),
        Arguments.of("pods", pod, "/spec/serviceAccountName", "\"default\""),
        Arguments.of("pods", pod, "/spec/serviceAccount", "\"default\""),
        Arguments.of("pods", pod, "/spec/priority", "0"),
        Arguments.of("pods", pod, "/spec/tolerations/0/key", "\"node.kubernetes.io/not-ready\""),
        Arguments.of("pods", pod, "/spec/tolerations/1/tolerationSeconds", "300"),
        Arguments.of("pods", pod, "/spec/containers/0/imagePullPolicy", "\"Always\""),
        Arguments.of("pods", pod, "/spec/containers/1/imagePullPolicy", "\"IfNotPresent\""),
        Arguments.of("pods", pod, "/spec/containers/0/terminationMessagePath", "\"/dev/termination-log\""),
        Arguments.of("pods", pod, "/spec/containers/0/terminationMessagePolicy", "\"File\""),
        Arguments.of("pods", pod, "/spec/containers/0/ports/0/protocol", "\"TCP\""),
        Arguments.of("pods", pod, "/spec/containers/0/resources", "{}"),
        Arguments.of("pods", pod, "/status/phase", "\"Pending\""),
        Arguments.of("pods", pod, "/spec/containers/1/livenessProbe/grpc/service", "\"\""),
        Arguments.of("pods", pod, "/status/qosClass", "\"BestEffort\""),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/replicas", "1"),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/strategy",
            "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}"),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/revisionHistoryLimit", "10"),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/progressDeadlineSeconds", "600"),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/template/spec/restartPolicy", "\"Always\""),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/template/spec/containers/0/imagePullPolicy", "\"IfNotPresent\""),
        Arguments.of("deployments.apps", DEPLOYMENT, "/spec/template/spec/serviceAccountName", "null"),
        Arguments.of("services", svc, "/spec/type", "\"ClusterIP\""),
        Arguments.of("services", svc, "/spec/sessionAffinity", "\"None\""),
        Arguments.of("services", svc, "/spec/ports/0/protocol", "\"TCP\""),
        Arguments.of("services", svc, "/spec/ports/0/targetPort", "80"),
        Arguments.of("services", svc, "/spec/ipFamilies", "[\"IPv4\"]"),
        Arguments.of("services", svc, "/spec/ipFamilyPolicy", "\"SingleStack\""),
        Arguments.of("services", svc, "/spec/internalTrafficPolicy", "\"Cluster\""),
        Arguments.of("namespaces", "kind: Namespace\nmetadata: {name: kube-decon}", "/spec/finalizers", "[\"kubernetes\"]"),
        Arguments.of("namespaces", "kind: Namespace\nmetadata: {name: kube-decon}", "/status/phase", "\"Active\""),
        Arguments.of("namespaces", "kind: Namespace\nmetadata: {name: kube-decon}",
            "/metadata/labels/kubernetes.io~1metadata.name", "\"kube-decon\""),
        Arguments.of("secrets", "kind: Secret\nmetadata: {name: s, namespace: d}\nstringData: {a: b}", "/type", "\"Opaque\""),
        Arguments.of("secrets", "kind: Secret\nmetadata: {name: s, namespace: d}\nstringData: {a: b}", "/data", "{\"a\":\"Yg==\"}"),
        Arguments.of("secrets", "kind: Secret\nmetadata: {name: s, namespace: d}\nstringData: {a: b}", "/stringData", "null"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource
  void defaults(String resource, String input, String pointer, String expected) throws Exception {
    JsonNode out = create(resource, input).at(pointer);
    JsonNode want = Json.MAPPER.readTree(expected);
    if (want.isNull()) {
      assertTrue(out.isMissingNode(), pointer + " should be absent but is " + out);
    } else if (want.isNumber() && out.isNumber()) {
      // int or long node: the same number once it is JSON on the bus
      assertEquals(want.decimalValue(), out.decimalValue(), pointer);
    } else {
      assertEquals(want, out, pointer);
    }
  }

  /** (resource, input, expected message). */
  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("deployments.apps", DEPLOYMENT.replace("  selector: {matchLabels: {app: web}}\n", ""),
            "Deployment.apps \"web\" is invalid: spec.selector: Required value"),
        Arguments.of("deployments.apps", DEPLOYMENT.replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: other}}"),
            "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"),
        Arguments.of("deployments.apps", DEPLOYMENT.replace("image: carsonoid/kube-decon:v1", "image: ''"),
            "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value"),
        Arguments.of("pods", "kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {containers: []}",
            "Pod \"p\" is invalid: spec.containers: Required value"),
        Arguments.of("pods", "kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {restartPolicy: Sometimes, containers: [{name: c, image: i}]}",
            "Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
        Arguments.of("services", "kind: Service\nmetadata: {name: s, namespace: d}\nspec: {ports: [{port: 80}, {port: 81}]}",
            "Service \"s\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]"),
        Arguments.of("services", "kind: Service\nmetadata: {name: 1web, namespace: d}\nspec: {ports: [{port: 80}]}",
            "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower "
                + "case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
                + "character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
        Arguments.of("services", "kind: Service\nmetadata: {name: s, namespace: d}\nspec: {selector: {app: x}}",
            "Service \"s\" is invalid: spec.ports: Required value"),
        Arguments.of("configmaps", "kind: ConfigMap\nmetadata: {name: c, namespace: d}\ndata: {'a b': x}",
            "ConfigMap \"c\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric "
                + "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
        Arguments.of("ingresses.networking.k8s.io", """
            kind: Ingress
            metadata: {name: i, namespace: d}
            spec:
              rules:
              - http:
                  paths:
                  - path: /
                    backend: {service: {name: web, port: {number: 80}}}
            """, "Ingress.networking.k8s.io \"i\" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"),
        Arguments.of("namespaces", "kind: Namespace\nmetadata: {name: x, labels: {'bad key!': v}}",
            "Namespace \"x\" is invalid: metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric "
                + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                + "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource
  void invalid(String resource, String input, String message) {
    StatusException e = assertThrows(StatusException.class, () -> create(resource, input));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void causesCarryReasonAndField() {
    StatusException e = assertThrows(StatusException.class,
        () -> create("deployments.apps", DEPLOYMENT.replace("  selector: {matchLabels: {app: web}}\n", "")));
    JsonNode status = e.toStatus();
    assertEquals("FieldValueRequired", status.at("/details/causes/0/reason").asText());
    assertEquals("spec.selector", status.at("/details/causes/0/field").asText());
    assertEquals("Required value", status.at("/details/causes/0/message").asText());
    assertEquals("apps", status.at("/details/group").asText());
    assertEquals("Deployment", status.at("/details/kind").asText());
    assertEquals("web", status.at("/details/name").asText());
  }

  /**
   * "Resize CPU and Memory Resources assigned to Containers" on 1.32: InPlacePodVerticalScaling is alpha and off,
   * so a container's resizePolicy is dropped from pods and templates as kube's dropDisabledPodFields drops it.
   */
  @Test
  void resizePolicyIsDroppedAsOn132() {
    String policy = "    resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]\n";
    ObjectNode pod = create("pods", "apiVersion: v1\nkind: Pod\nmetadata: {name: resize-demo, namespace: d}\nspec:\n"
        + "  containers:\n  - name: pause\n    image: registry.k8s.io/pause:3.8\n" + policy
        + "  initContainers:\n  - name: init\n    image: busybox\n" + policy);
    assertTrue(pod.at("/spec/containers/0/resizePolicy").isMissingNode(), pod.toString());
    assertTrue(pod.at("/spec/initContainers/0/resizePolicy").isMissingNode(), pod.toString());
    assertEquals("pause", pod.at("/spec/containers/0/name").asText());
    ObjectNode deployment = create("deployments.apps", DEPLOYMENT.replace("      ports: [{containerPort: 8080}]\n",
        "      ports: [{containerPort: 8080}]\n      resizePolicy: [{resourceName: memory, restartPolicy: RestartContainer}]\n"));
    assertTrue(deployment.at("/spec/template/spec/containers/0/resizePolicy").isMissingNode(), deployment.toString());
  }

  /** "Use a User Namespace With a Pod" on 1.32: UserNamespacesSupport is off, so hostUsers is dropped. */
  @Test
  void hostUsersIsDroppedAsOn132() {
    ObjectNode pod = create("pods", "apiVersion: v1\nkind: Pod\nmetadata: {name: userns, namespace: d}\nspec:\n"
        + "  hostUsers: false\n  containers:\n  - name: shell\n    image: debian\n    command: [sleep, infinity]\n");
    assertTrue(pod.at("/spec/hostUsers").isMissingNode(), pod.toString());
    assertEquals("shell", pod.at("/spec/containers/0/name").asText());
  }

  @Test
  void deploymentSelectorIsImmutable() {
    ObjectNode old = create("deployments.apps", DEPLOYMENT);
    ObjectNode changed = yaml(DEPLOYMENT.replace("{app: web}", "{app: web2}"));
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("deployments.apps"), Verb.UPDATE, changed, old));
    assertEquals("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:"
        + "map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
        e.getMessage());
  }

  @Test
  void serviceUpdateKeepsAllocatedClusterIp() {
    ObjectNode old = create("services", "kind: Service\nmetadata: {name: s, namespace: d}\nspec: {ports: [{port: 80}]}");
    old.with("spec").put("clusterIP", "127.96.0.20");
    ObjectNode updated = ADMISSION.admit(type("services"), Verb.UPDATE,
        yaml("kind: Service\nmetadata: {name: s, namespace: d}\nspec: {ports: [{port: 80}]}"), old);
    assertEquals("127.96.0.20", updated.at("/spec/clusterIP").asText());
  }

  @Test
  void podSpecChangesOtherThanImageAreForbidden() {
    String pod = "kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {containers: [{name: c, image: a}]}";
    ObjectNode old = create("pods", pod);
    ObjectNode imageChange = ADMISSION.admit(type("pods"), Verb.UPDATE, yaml(pod.replace("image: a", "image: b")), old);
    assertEquals("b", imageChange.at("/spec/containers/0/image").asText());
    StatusException e = assertThrows(StatusException.class, () -> ADMISSION.admit(type("pods"), Verb.UPDATE,
        yaml(pod.replace("name: c", "name: c2")), old));
    assertTrue(e.getMessage().startsWith("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields"));
  }

  @Test
  void statusUpdatesAreNotDefaulted() {
    ObjectNode pod = yaml("kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {containers: []}\nstatus: {phase: Running}");
    ObjectNode out = ADMISSION.admit(type("pods"), Verb.UPDATE_STATUS, pod, pod.deepCopy());
    assertEquals("Running", out.at("/status/phase").asText());
  }
}
