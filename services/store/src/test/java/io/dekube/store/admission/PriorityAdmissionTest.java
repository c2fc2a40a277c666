package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Priority admission and the PriorityClass / PodDisruptionBudget validation, as kube has them. */
class PriorityAdmissionTest {

  static ObjectNode pc(String name, long value, boolean globalDefault, String policy) {
    return yaml("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: " + name + "}\nvalue: "
        + value + "\nglobalDefault: " + globalDefault + "\npreemptionPolicy: " + policy + "\n");
  }

  static WriteAdmission chain(List<ObjectNode> classes) {
    PriorityAdmission p = new PriorityAdmission(() -> classes, n -> classes.stream()
        .filter(c -> c.path("metadata").path("name").asText().equals(n)).findFirst().orElse(null));
    return new BasicAdmission().andThen(p).andThen(new KubernetesAdmission());
  }

  static String pod(String specExtra) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: d}\nspec:\n" + specExtra
        + "  containers: [{name: c, image: nginx}]\n";
  }

  /** (case, classes, pod spec lines, expected "priority policy className" or "403: message"). */
  static Stream<Arguments> pods() {
    List<ObjectNode> high = List.of(pc("high", 1000, false, "PreemptLowerPriority"),
        pc("never", 500, false, "Never"));
    List<ObjectNode> withDefault = new ArrayList<>(high);
    withDefault.add(pc("dflt", 7, true, "PreemptLowerPriority"));
    withDefault.add(pc("dflt2", 3, true, "Never"));
    return Stream.of(
        Arguments.of("no class, no default", high, "", "0 PreemptLowerPriority "),
        Arguments.of("a class", high, "  priorityClassName: high\n", "1000 PreemptLowerPriority high"),
        Arguments.of("a Never class", high, "  priorityClassName: never\n", "500 Never never"),
        Arguments.of("the lowest globalDefault", withDefault, "", "3 Never dflt2"),
        Arguments.of("the same priority as the class", high, "  priorityClassName: high\n  priority: 1000\n",
            "1000 PreemptLowerPriority high"),
        Arguments.of("an unknown class", high, "  priorityClassName: nope\n",
            "403: pods \"x\" is forbidden: no PriorityClass with name nope was found"),
        Arguments.of("a raw priority", high, "  priority: 1000\n",
            "403: pods \"x\" is forbidden: the integer value of priority (1000) must not be provided in pod spec; "
                + "priority admission controller computed 0 from the given PriorityClass name"),
        Arguments.of("another preemptionPolicy", high, "  priorityClassName: never\n  preemptionPolicy: PreemptLowerPriority\n",
            "403: pods \"x\" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be "
                + "provided in pod spec; priority admission controller computed Never from the given PriorityClass name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void podCreatesGetThePriorityOfTheirClass(String name, List<ObjectNode> classes, String spec, String want) {
    String got;
    try {
      ObjectNode p = chain(classes).admit(type("pods"), Verb.CREATE, yaml(pod(spec)), null);
      got = p.at("/spec/priority").asText() + " " + p.at("/spec/preemptionPolicy").asText() + " "
          + p.at("/spec/priorityClassName").asText();
    } catch (StatusException e) {
      got = e.code() + ": " + e.getMessage();
    }
    assertEquals(want, got);
  }

  /** (case, existing classes, verb, the class written, old, expected "ok" or "code: message"). */
  static Stream<Arguments> classes() {
    ObjectNode dflt = pc("dflt", 7, true, "PreemptLowerPriority");
    return Stream.of(
        Arguments.of("a user class", List.of(), pc("high", 1_000_000_000, false, "Never"), null, "ok"),
        Arguments.of("too high", List.of(), pc("high", 1_000_000_001, false, "Never"), null,
            "422: PriorityClass.scheduling.k8s.io \"high\" is invalid: value: Forbidden: maximum allowed value of a "
                + "user defined priority is 1000000000"),
        Arguments.of("a built-in", List.of(), pc("system-node-critical", 2_000_001_000, false, "PreemptLowerPriority"),
            null, "ok"),
        Arguments.of("a reserved name", List.of(), pc("system-mine", 10, false, "Never"), null,
            "422: PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class "
                + "names with 'system-' prefix are reserved for system use only. error: system-mine is not a known "
                + "system priority class"),
        Arguments.of("a second default", List.of(dflt), pc("other", 1, true, "Never"), null,
            "403: priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass dflt is already marked as "
                + "default. Only one default can exist"),
        Arguments.of("the default updated", List.of(dflt), pc("dflt", 7, true, "PreemptLowerPriority"), dflt, "ok"),
        Arguments.of("a changed value", List.of(dflt), pc("dflt", 8, true, "PreemptLowerPriority"), dflt,
            "422: PriorityClass.scheduling.k8s.io \"dflt\" is invalid: value: Forbidden: may not be changed in an update."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("classes")
  void priorityClassesAreValidated(String name, List<ObjectNode> existing, ObjectNode pc, ObjectNode old, String want) {
    String got;
    try {
      chain(existing).admit(type("priorityclasses.scheduling.k8s.io"), old == null ? Verb.CREATE : Verb.UPDATE, pc,
          old);
      got = "ok";
    } catch (StatusException e) {
      got = e.code() + ": " + e.getMessage();
    }
    assertEquals(want, got);
  }

  static Stream<Arguments> budgets() {
    return Stream.of(
        Arguments.of("minAvailable: 2\n  selector: {matchLabels: {app: web}}", "ok"),
        Arguments.of("maxUnavailable: 30%\n  selector: {}", "ok"),
        Arguments.of("minAvailable: 1\n  maxUnavailable: 1", "spec: Invalid value"),
        Arguments.of("minAvailable: -1", "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
        Arguments.of("maxUnavailable: 120%", "spec.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%"),
        Arguments.of("minAvailable: 1\n  unhealthyPodEvictionPolicy: Sometimes",
            "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Sometimes\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("budgets")
  void budgetsAreValidated(String spec, String want) {
    ObjectNode pdb = yaml("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b, namespace: d}\n"
        + "spec:\n  " + spec + "\n");
    if (want.equals("ok")) {
      ObjectNode out = new KubernetesAdmission().admit(type("poddisruptionbudgets.policy"), Verb.CREATE, pdb, null);
      assertEquals(0, out.at("/status/disruptionsAllowed").asInt(-1));
      return;
    }
    StatusException e = assertThrows(StatusException.class,
        () -> new KubernetesAdmission().admit(type("poddisruptionbudgets.policy"), Verb.CREATE, pdb, null));
    assertEquals(422, e.code());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(want), e.getMessage());
  }
}
