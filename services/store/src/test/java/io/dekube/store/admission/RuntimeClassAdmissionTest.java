package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RuntimeClass validation and the RuntimeClass admission of pods, as kube has them. */
class RuntimeClassAdmissionTest {

  static final ObjectNode SANDBOXED = yaml("""
      apiVersion: node.k8s.io/v1
      kind: RuntimeClass
      metadata: {name: sandboxed}
      handler: simulated
      overhead: {podFixed: {cpu: 250m, memory: 120Mi}}
      scheduling:
        nodeSelector: {kubernetes.io/os: linux}
        tolerations: [{key: sandbox, operator: Exists, effect: NoSchedule}]
      """);
  static final ObjectNode PLAIN = yaml("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: plain}\n"
      + "handler: jvm\n");

  static WriteAdmission chain() {
    Map<String, ObjectNode> classes = Map.of("sandboxed", SANDBOXED, "plain", PLAIN);
    return new BasicAdmission().andThen(new KubernetesAdmission()).andThen(new RuntimeClassAdmission(classes::get));
  }

  static String pod(String specExtra) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: d}\nspec:\n" + specExtra
        + "  containers: [{name: c, image: nginx}]\n";
  }

  /** (case, pod spec lines, expected "overhead nodeSelector first-toleration-key" or "code: message"). */
  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("no class", "", "null null node.kubernetes.io/not-ready"),
        Arguments.of("a class without overhead or scheduling", "  runtimeClassName: plain\n",
            "null null node.kubernetes.io/not-ready"),
        Arguments.of("the class's overhead, selector and toleration", "  runtimeClassName: sandboxed\n",
            "{\"cpu\":\"250m\",\"memory\":\"120Mi\"} {\"kubernetes.io/os\":\"linux\"} node.kubernetes.io/not-ready "
                + "sandbox"),
        Arguments.of("the same overhead given", "  runtimeClassName: sandboxed\n  overhead: {cpu: 0.25, memory: 120Mi}\n",
            "{\"cpu\":\"250m\",\"memory\":\"120Mi\"} {\"kubernetes.io/os\":\"linux\"} node.kubernetes.io/not-ready "
                + "sandbox"),
        Arguments.of("a selector merged", "  runtimeClassName: sandboxed\n  nodeSelector: {disk: ssd}\n",
            "{\"cpu\":\"250m\",\"memory\":\"120Mi\"} {\"disk\":\"ssd\",\"kubernetes.io/os\":\"linux\"} "
                + "node.kubernetes.io/not-ready sandbox"),
        Arguments.of("an unknown class", "  runtimeClassName: nope\n",
            "403: pods \"x\" is forbidden: pod rejected: RuntimeClass \"nope\" not found"),
        Arguments.of("another overhead", "  runtimeClassName: sandboxed\n  overhead: {cpu: 1}\n",
            "403: pods \"x\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"),
        Arguments.of("an overhead without a class", "  overhead: {cpu: 1}\n",
            "403: pods \"x\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined "
                + "Overhead"),
        Arguments.of("a conflicting selector", "  runtimeClassName: sandboxed\n  nodeSelector: {kubernetes.io/os: windows}\n",
            "403: pods \"x\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[kubernetes.io/os] = linux; "
                + "pod.spec.nodeSelector[kubernetes.io/os] = windows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void podCreatesGetTheirRuntimeClass(String name, String spec, String want) {
    String got;
    try {
      ObjectNode p = chain().admit(type("pods"), Verb.CREATE, yaml(pod(spec)), null);
      StringBuilder b = new StringBuilder();
      b.append(p.at("/spec/overhead").isMissingNode() ? "null" : p.at("/spec/overhead").toString()).append(' ')
          .append(p.at("/spec/nodeSelector").isMissingNode() ? "null" : p.at("/spec/nodeSelector").toString());
      p.at("/spec/tolerations").forEach(t -> {
        String key = t.path("key").asText();
        if (!key.equals("node.kubernetes.io/unreachable")) {
          b.append(' ').append(key);
        }
      });
      got = b.toString();
    } catch (StatusException e) {
      got = e.code() + ": " + e.getMessage();
    }
    assertEquals(want, got);
  }

  /** (case, the class written, the old one, expected "ok" or "code: message"). */
  static Stream<Arguments> classes() {
    return Stream.of(
        Arguments.of("a class", SANDBOXED.deepCopy(), null, "ok"),
        Arguments.of("a handler that is no label", rc("handler: Bad_Handler"), null,
            "422: RuntimeClass.node.k8s.io \"rc\" is invalid: handler: Invalid value: \"Bad_Handler\": a lowercase RFC "
                + "1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an "
                + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        Arguments.of("a changed handler", rc("handler: jvm"), rc("handler: process"),
            "422: RuntimeClass.node.k8s.io \"rc\" is invalid: handler: Invalid value: \"jvm\": field is immutable"),
        Arguments.of("a negative overhead", rc("handler: jvm\noverhead: {podFixed: {cpu: -1}}"), null,
            "422: RuntimeClass.node.k8s.io \"rc\" is invalid: overhead.podFixed[cpu]: Invalid value: \"-1\": must be "
                + "greater than or equal to 0"),
        Arguments.of("a duplicate toleration", rc("handler: jvm\nscheduling: {tolerations: [{key: a, operator: Exists},"
                + " {key: a, operator: Exists}]}"), null,
            "422: RuntimeClass.node.k8s.io \"rc\" is invalid: scheduling.tolerations[1]: Duplicate value: "
                + "core.Toleration{Key:\"a\", Operator:\"Exists\", Value:\"\", Effect:\"\", TolerationSeconds:(*int64)(nil)}"));
  }

  static ObjectNode rc(String body) {
    return yaml("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: rc}\n" + body + "\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("classes")
  void runtimeClassesAreValidated(String name, ObjectNode rc, ObjectNode old, String want) {
    String got;
    try {
      chain().admit(type("runtimeclasses.node.k8s.io"), old == null ? Verb.CREATE : Verb.UPDATE, rc, old);
      got = "ok";
    } catch (StatusException e) {
      got = e.code() + ": " + e.getMessage();
    }
    assertEquals(want, got);
  }
}
