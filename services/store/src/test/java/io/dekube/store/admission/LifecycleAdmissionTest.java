package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Containers' lifecycle hooks through the store's admission: kube 1.32's defaults and 422s. */
class LifecycleAdmissionTest {

  private static String pod(String lifecycle) {
    return "kind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  containers:\n  - name: c\n    image: i\n"
        + "    ports: [{name: http, containerPort: 8080}]\n    lifecycle: " + lifecycle + "\n";
  }

  private static final String INVALID = "Pod \"p\" is invalid: spec.containers[0].lifecycle.";

  /** (lifecycle, expected message). */
  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{postStart: {exec: {command: [true]}, httpGet: {port: 80}}}",
            INVALID + "postStart.httpGet: Forbidden: may not specify more than 1 handler type"),
        Arguments.of("{preStop: {}}", INVALID + "preStop: Required value: must specify a handler type"),
        Arguments.of("{preStop: {sleep: {seconds: 0}}}", INVALID + "preStop.sleep: Invalid value: 0: must be greater "
            + "than 0 and less than terminationGracePeriodSeconds (30)"),
        Arguments.of("{postStart: {sleep: {seconds: 31}}}", INVALID + "postStart.sleep: Invalid value: 31: must be "
            + "greater than 0 and less than terminationGracePeriodSeconds (30)"),
        Arguments.of("{preStop: {exec: {}}}", INVALID + "preStop.exec.command: Required value"),
        Arguments.of("{preStop: {httpGet: {port: 0}}}",
            INVALID + "preStop.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"),
        Arguments.of("{preStop: {httpGet: {port: web_port}}}", INVALID + "preStop.httpGet.port: Invalid value: "
            + "\"web_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
        Arguments.of("{preStop: {httpGet: {port: http, scheme: FTP}}}", INVALID
            + "preStop.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""),
        Arguments.of("{preStop: {httpGet: {port: http, httpHeaders: [{name: 'a b', value: c}]}}}", INVALID
            + "preStop.httpGet.httpHeaders: Invalid value: \"a b\": a valid HTTP header must consist of alphanumeric "
            + "characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"),
        Arguments.of("{postStart: {tcpSocket: {port: 70000}}}",
            INVALID + "postStart.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive"));
  }

  /** (probes, expected message): kube's validateLivenessProbe, validateReadinessProbe, validateStartupProbe. */
  static Stream<Arguments> invalidProbes() {
    String probe = "Pod \"p\" is invalid: spec.containers[0].";
    return Stream.of(
        Arguments.of("readinessProbe: {httpGet: {port: http}, terminationGracePeriodSeconds: 30}",
            probe + "readinessProbe.terminationGracePeriodSeconds: Invalid value: 30: must not be set for readinessProbes"),
        Arguments.of("livenessProbe: {httpGet: {port: http}, successThreshold: 2}",
            probe + "livenessProbe.successThreshold: Invalid value: 2: must be 1"),
        Arguments.of("startupProbe: {tcpSocket: {port: 80}, successThreshold: 3}",
            probe + "startupProbe.successThreshold: Invalid value: 3: must be 1"),
        Arguments.of("livenessProbe: {grpc: {port: 2379}, terminationGracePeriodSeconds: 0}",
            probe + "livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"),
        Arguments.of("livenessProbe: {periodSeconds: 5}", probe + "livenessProbe: Required value: must specify a handler type"),
        Arguments.of("readinessProbe: {exec: {command: [cat]}, grpc: {port: 2379}}",
            probe + "readinessProbe.grpc: Forbidden: may not specify more than 1 handler type"),
        Arguments.of("livenessProbe: {exec: {command: [cat]}, failureThreshold: -1}",
            probe + "livenessProbe.failureThreshold: Invalid value: -1: must be greater than or equal to 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalidProbes(String probes, String message) {
    String pod = "kind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  containers:\n  - name: c\n    image: i\n"
        + "    ports: [{name: http, containerPort: 8080}]\n    " + probes + "\n";
    StatusException e = assertThrows(StatusException.class, () -> create("pods", pod));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
    create("pods", pod.replace(probes, "livenessProbe: {grpc: {port: 2379}, terminationGracePeriodSeconds: 60}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void invalid(String lifecycle, String message) {
    StatusException e = assertThrows(StatusException.class, () -> create("pods", pod(lifecycle)));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void sleepIsCheckedAgainstTheTemplatesOwnGracePeriod() {
    String deployment = """
        kind: Deployment
        metadata: {name: web, namespace: d}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 10
              containers:
              - {name: web, image: i, lifecycle: {preStop: {sleep: {seconds: 15}}}}
        """;
    StatusException e = assertThrows(StatusException.class, () -> create("deployments.apps", deployment));
    assertEquals("Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].lifecycle.preStop.sleep: "
        + "Invalid value: 15: must be greater than 0 and less than terminationGracePeriodSeconds (10)", e.getMessage());
    create("deployments.apps", deployment.replace("seconds: 15", "seconds: 10"));
  }

  @Test
  void anInitContainerHasHooksOnlyAsASidecar() {
    String pod = """
        kind: Pod
        metadata: {name: p, namespace: d}
        spec:
          initContainers:
          - {name: init, image: i, lifecycle: {postStart: {exec: {command: [true]}}}}
          containers: [{name: c, image: i}]
        """;
    StatusException e = assertThrows(StatusException.class, () -> create("pods", pod));
    assertEquals("Pod \"p\" is invalid: spec.initContainers[0].lifecycle: Forbidden: may not be set for init "
        + "containers without restartPolicy=Always", e.getMessage());
    create("pods", pod.replace("{name: init, image: i,", "{name: init, image: i, restartPolicy: Always,"));
  }

  /** (init container's extra fields, the 422's field error) for restartPolicy and what only sidecars may have. */
  static Stream<Arguments> sidecarOnlyFields() {
    String forbidden = ": Forbidden: may not be set for init containers without restartPolicy=Always";
    return Stream.of(
        Arguments.of("restartPolicy: OnFailure", "spec.initContainers[0].restartPolicy: Unsupported value: "
            + "\"OnFailure\": supported values: \"Always\""),
        Arguments.of("readinessProbe: {exec: {command: [true]}}", "spec.initContainers[0].readinessProbe" + forbidden),
        Arguments.of("livenessProbe: {exec: {command: [true]}}", "spec.initContainers[0].livenessProbe" + forbidden),
        Arguments.of("startupProbe: {exec: {command: [true]}}", "spec.initContainers[0].startupProbe" + forbidden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void sidecarOnlyFields(String fields, String error) {
    String pod = "kind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  initContainers:\n  - {name: init, image: i, "
        + fields + "}\n  containers: [{name: c, image: i}]\n";
    StatusException e = assertThrows(StatusException.class, () -> create("pods", pod));
    assertEquals(422, e.code());
    assertEquals("Pod \"p\" is invalid: " + error, e.getMessage());
  }

  @Test
  void aSidecarMayHaveProbesAndAContainerNoRestartPolicy() {
    ObjectNode p = create("pods", """
        kind: Pod
        metadata: {name: p, namespace: d}
        spec:
          initContainers:
          - name: proxy
            image: i
            restartPolicy: Always
            startupProbe: {exec: {command: [true]}}
            readinessProbe: {exec: {command: [true]}}
            livenessProbe: {exec: {command: [true]}}
            lifecycle: {preStop: {exec: {command: [true]}}}
          containers: [{name: c, image: i}]
        """);
    assertEquals("Always", p.at("/spec/initContainers/0/restartPolicy").asText());
    StatusException e = assertThrows(StatusException.class, () -> create("pods", """
        kind: Pod
        metadata: {name: q, namespace: d}
        spec:
          containers: [{name: c, image: i, restartPolicy: Always}]
        """));
    assertEquals("Pod \"q\" is invalid: spec.containers[0].restartPolicy: Forbidden: may not be set for non-init "
        + "containers", e.getMessage());
  }

  @Test
  void httpGetHandlersGetKubesDefaultsAndTcpSocketIsAccepted() {
    ObjectNode p = create("pods", pod("{postStart: {tcpSocket: {port: http}}, preStop: {httpGet: {port: http}}}"));
    assertEquals("/", p.at("/spec/containers/0/lifecycle/preStop/httpGet/path").asText());
    assertEquals("HTTP", p.at("/spec/containers/0/lifecycle/preStop/httpGet/scheme").asText());
    assertEquals("http", p.at("/spec/containers/0/lifecycle/postStart/tcpSocket/port").asText());
  }
}
