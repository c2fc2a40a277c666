package io.dekube.store.admission.podsecurity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each check of the baseline and restricted levels, with the cases and wording of kube's pod-security-admission tests. */
class PodSecurityChecksTest {

  /** A check as the table calls it. */
  interface CheckCall {
    Violation check(JsonNode meta, JsonNode spec, int minor);
  }

  static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** (check, pod metadata YAML, pod spec YAML, expected "reason (detail)" or null when the pod passes). */
  static Stream<Arguments> cases() {
    int latest = LevelVersion.LATEST;
    return Stream.of(
        Arguments.of("host namespaces", (CheckCall) BaselineChecks::hostNamespaces, latest, "{}",
            "{hostNetwork: true, hostIPC: true, hostPID: true}",
            "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"),
        Arguments.of("no host namespace", (CheckCall) BaselineChecks::hostNamespaces, latest, "{}",
            "{hostNetwork: false}", null),
        Arguments.of("privileged", (CheckCall) BaselineChecks::privileged, latest, "{}",
            "{containers: [{name: a}, {name: b, securityContext: {privileged: false}},"
                + " {name: c, securityContext: {privileged: true}}], initContainers: [{name: i, securityContext:"
                + " {privileged: true}}]}",
            "privileged (containers \"i\", \"c\" must not set securityContext.privileged=true)"),
        Arguments.of("non-default capabilities", (CheckCall) BaselineChecks::capabilities, latest, "{}",
            "{containers: [{name: a}, {name: b, securityContext: {capabilities: {add: [AUDIT_WRITE, CHOWN, KILL]}}},"
                + " {name: c, securityContext: {capabilities: {add: [FOO, BAR]}}},"
                + " {name: d, securityContext: {capabilities: {add: [BAR, BAZ, CHOWN]}}}]}",
            "non-default capabilities (containers \"c\", \"d\" must not include \"BAR\", \"BAZ\", \"FOO\" in"
                + " securityContext.capabilities.add)"),
        Arguments.of("hostPath volumes", (CheckCall) BaselineChecks::hostPathVolumes, latest, "{}",
            "{volumes: [{name: a, emptyDir: {}}, {name: b, hostPath: {path: /}}, {name: c, hostPath: {path: /x}}]}",
            "hostPath volumes (volumes \"b\", \"c\")"),
        Arguments.of("host ports", (CheckCall) BaselineChecks::hostPorts, latest, "{}",
            "{containers: [{name: a, ports: [{containerPort: 80}]}, {name: b, ports: [{hostPort: 20}, {hostPort: 30}]},"
                + " {name: c, ports: [{hostPort: 10}]}]}",
            "hostPort (containers \"b\", \"c\" use hostPorts 10, 20, 30)"),
        Arguments.of("one host port", (CheckCall) BaselineChecks::hostPorts, latest, "{}",
            "{containers: [{name: a, ports: [{hostPort: 8080}]}]}", "hostPort (container \"a\" uses hostPort 8080)"),
        Arguments.of("AppArmor annotations", (CheckCall) BaselineChecks::appArmor, latest,
            "{annotations: {'container.apparmor.security.beta.kubernetes.io/': bogus,"
                + " 'container.apparmor.security.beta.kubernetes.io/a': '',"
                + " 'container.apparmor.security.beta.kubernetes.io/b': runtime/default,"
                + " 'container.apparmor.security.beta.kubernetes.io/c': localhost/,"
                + " 'container.apparmor.security.beta.kubernetes.io/d': localhost/foo,"
                + " 'container.apparmor.security.beta.kubernetes.io/e': unconfined,"
                + " 'container.apparmor.security.beta.kubernetes.io/f': unknown}}", "{}",
            "forbidden AppArmor profiles (annotations must not set AppArmor profile type to"
                + " \"container.apparmor.security.beta.kubernetes.io/=\"bogus\"\","
                + " \"container.apparmor.security.beta.kubernetes.io/e=\"unconfined\"\","
                + " \"container.apparmor.security.beta.kubernetes.io/f=\"unknown\"\")"),
        Arguments.of("AppArmor fields", (CheckCall) BaselineChecks::appArmor, latest, "{}",
            "{securityContext: {appArmorProfile: {type: Unconfined}}, containers: [{name: a, securityContext:"
                + " {appArmorProfile: {type: Unconfined}}}, {name: b, securityContext: {appArmorProfile: {type: Localhost,"
                + " localhostProfile: p}}}]}",
            "forbidden AppArmor profile (pod and container \"a\" must not set AppArmor profile type to \"Unconfined\")"),
        Arguments.of("seLinux pod and containers", (CheckCall) BaselineChecks::seLinuxOptions, latest, "{}",
            "{securityContext: {seLinuxOptions: {type: foo, user: bar, role: baz}}, containers: ["
                + "{name: a, securityContext: {seLinuxOptions: {type: container_t}}},"
                + " {name: b, securityContext: {seLinuxOptions: {type: container_init_t}}},"
                + " {name: c, securityContext: {seLinuxOptions: {type: container_kvm_t}}},"
                + " {name: d, securityContext: {seLinuxOptions: {type: container_engine_t}}},"
                + " {name: e, securityContext: {seLinuxOptions: {type: bar}}},"
                + " {name: f, securityContext: {seLinuxOptions: {user: bar}}},"
                + " {name: g, securityContext: {seLinuxOptions: {role: baz}}}]}",
            "seLinuxOptions (pod and containers \"e\", \"f\", \"g\" set forbidden securityContext.seLinuxOptions:"
                + " types \"bar\", \"foo\"; user may not be set; role may not be set)"),
        Arguments.of("seLinux user only", (CheckCall) BaselineChecks::seLinuxOptions, latest, "{}",
            "{securityContext: {seLinuxOptions: {user: bad}}}",
            "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set)"),
        Arguments.of("container_engine_t before v1.31", (CheckCall) BaselineChecks::seLinuxOptions, 30, "{}",
            "{securityContext: {seLinuxOptions: {type: container_engine_t}}}",
            "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")"),
        Arguments.of("procMount", (CheckCall) BaselineChecks::procMount, latest, "{}",
            "{containers: [{name: a, securityContext: {procMount: Default}}, {name: b, securityContext: {procMount:"
                + " Unmasked}}, {name: c, securityContext: {procMount: Unmasked}}]}",
            "procMount (containers \"b\", \"c\" must not set securityContext.procMount to \"Unmasked\")"),
        Arguments.of("seccomp baseline", (CheckCall) BaselineChecks::seccompProfile, latest, "{}",
            "{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, securityContext:"
                + " {seccompProfile: {type: Unconfined}}}, {name: b, securityContext: {seccompProfile: {type:"
                + " RuntimeDefault}}}, {name: c}]}",
            "seccompProfile (pod and container \"a\" must not set securityContext.seccompProfile.type to"
                + " \"Unconfined\")"),
        Arguments.of("sysctls", (CheckCall) BaselineChecks::sysctls, latest, "{}",
            "{securityContext: {sysctls: [{name: a}, {name: kernel.shm_rmid_forced}, {name: b}]}}",
            "forbidden sysctls (a, b)"),
        Arguments.of("a sysctl of v1.27 at latest", (CheckCall) BaselineChecks::sysctls, latest, "{}",
            "{securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports, value: 1024-4999}]}}", null),
        Arguments.of("a sysctl of v1.27 at v1.26", (CheckCall) BaselineChecks::sysctls, 26, "{}",
            "{securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports, value: 1024-4999}]}}",
            "forbidden sysctls (net.ipv4.ip_local_reserved_ports)"),
        Arguments.of("hostProcess", (CheckCall) BaselineChecks::windowsHostProcess, latest, "{}",
            "{securityContext: {windowsOptions: {hostProcess: true}}, containers: [{name: a, securityContext:"
                + " {windowsOptions: {hostProcess: true}}}, {name: b, securityContext: {windowsOptions: {hostProcess:"
                + " true}}}]}",
            "hostProcess (pod and containers \"a\", \"b\" must not set securityContext.windowsOptions.hostProcess=true)"),
        Arguments.of("allowPrivilegeEscalation", (CheckCall) RestrictedChecks::allowPrivilegeEscalation, latest, "{}",
            "{containers: [{name: a}, {name: b, securityContext: {allowPrivilegeEscalation: true}},"
                + " {name: c, securityContext: {allowPrivilegeEscalation: false}}]}",
            "allowPrivilegeEscalation != false (containers \"a\", \"b\" must set"
                + " securityContext.allowPrivilegeEscalation=false)"),
        Arguments.of("allowPrivilegeEscalation on windows", (CheckCall) RestrictedChecks::allowPrivilegeEscalation,
            latest, "{}", "{os: {name: windows}, containers: [{name: a}]}", null),
        Arguments.of("unrestricted capabilities", (CheckCall) RestrictedChecks::capabilities, latest, "{}",
            "{containers: [{name: a}, {name: b, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}},"
                + " {name: c, securityContext: {capabilities: {drop: [ALL], add: [FOO, CHOWN]}}},"
                + " {name: d, securityContext: {capabilities: {drop: [FOO]}}}]}",
            "unrestricted capabilities (containers \"a\", \"d\" must set securityContext.capabilities.drop=[\"ALL\"];"
                + " container \"c\" must not include \"CHOWN\", \"FOO\" in securityContext.capabilities.add)"),
        Arguments.of("restricted volume types", (CheckCall) RestrictedChecks::volumes, latest, "{}",
            "{volumes: [{name: a1, emptyDir: {}}, {name: a2, secret: {secretName: s}},"
                + " {name: a3, persistentVolumeClaim: {claimName: c}}, {name: a4, downwardAPI: {}},"
                + " {name: a5, configMap: {name: m}}, {name: a6, projected: {}}, {name: a7, csi: {driver: d}},"
                + " {name: a8, ephemeral: {}}, {name: a9, image: {reference: r}},"
                + " {name: b1, hostPath: {path: /}}, {name: b2, nfs: {server: s, path: /}},"
                + " {name: b3, cephfs: {monitors: [m]}}, {name: b4, gitRepo: {repository: r}}, {name: c1}]}",
            "restricted volume types (volumes \"b1\", \"b2\", \"b3\", \"b4\", \"c1\" use restricted volume types"
                + " \"cephfs\", \"gitRepo\", \"hostPath\", \"nfs\", \"unknown\")"),
        Arguments.of("runAsNonRoot=false", (CheckCall) RestrictedChecks::runAsNonRoot, latest, "{}",
            "{securityContext: {runAsNonRoot: false}, containers: [{name: a, securityContext: {runAsNonRoot: false}},"
                + " {name: b}]}",
            "runAsNonRoot != true (pod and container \"a\" must not set securityContext.runAsNonRoot=false)"),
        Arguments.of("runAsNonRoot unset", (CheckCall) RestrictedChecks::runAsNonRoot, latest, "{}",
            "{containers: [{name: a, securityContext: {runAsNonRoot: true}}, {name: b}, {name: c}]}",
            "runAsNonRoot != true (pod or containers \"b\", \"c\" must set securityContext.runAsNonRoot=true)"),
        Arguments.of("runAsNonRoot of the pod", (CheckCall) RestrictedChecks::runAsNonRoot, latest, "{}",
            "{securityContext: {runAsNonRoot: true}, containers: [{name: a}]}", null),
        Arguments.of("runAsUser=0", (CheckCall) RestrictedChecks::runAsUser, latest, "{}",
            "{securityContext: {runAsUser: 0}, containers: [{name: a, securityContext: {runAsUser: 0}},"
                + " {name: b, securityContext: {runAsUser: 1000}}]}",
            "runAsUser=0 (pod and container \"a\" must not set runAsUser=0)"),
        Arguments.of("seccomp restricted unset", (CheckCall) RestrictedChecks::seccompProfile, latest, "{}",
            "{containers: [{name: a, securityContext: {seccompProfile: {type: RuntimeDefault}}}, {name: b}]}",
            "seccompProfile (pod or container \"b\" must set securityContext.seccompProfile.type to"
                + " \"RuntimeDefault\" or \"Localhost\")"),
        Arguments.of("seccomp restricted bad", (CheckCall) RestrictedChecks::seccompProfile, latest, "{}",
            "{securityContext: {seccompProfile: {type: Unconfined}}, containers: [{name: a, securityContext:"
                + " {seccompProfile: {type: Unconfined}}}, {name: b}]}",
            "seccompProfile (pod and container \"a\" must not set securityContext.seccompProfile.type to"
                + " \"Unconfined\")"),
        Arguments.of("seccomp of the pod", (CheckCall) RestrictedChecks::seccompProfile, latest, "{}",
            "{securityContext: {seccompProfile: {type: Localhost, localhostProfile: p}}, containers: [{name: a}]}",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void check(String name, CheckCall check, int minor, String meta, String spec, String expected) {
    Violation v = check.check(yaml(meta), yaml(spec), minor);
    assertEquals(expected, v == null ? null : v.withDetail());
  }

  @Test
  void restrictedListsTheChecksInKubesOrderWithoutTheBaselineOnesItTightens() {
    // the pod of `oc debug node/x`, and kube's warning about it
    JsonNode spec = yaml("{hostNetwork: true, hostPID: true, volumes: [{name: host, hostPath: {path: /}}],"
        + " containers: [{name: container-00, securityContext: {privileged: true, runAsUser: 0}}]}");
    assertEquals("host namespaces (hostNetwork=true, hostPID=true), privileged (container \"container-00\" must not set"
            + " securityContext.privileged=true), allowPrivilegeEscalation != false (container \"container-00\" must set"
            + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"container-00\""
            + " must set securityContext.capabilities.drop=[\"ALL\"]), restricted volume types (volume \"host\" uses"
            + " restricted volume type \"hostPath\"), runAsNonRoot != true (pod or container \"container-00\" must set"
            + " securityContext.runAsNonRoot=true), runAsUser=0 (container \"container-00\" must not set runAsUser=0),"
            + " seccompProfile (pod or container \"container-00\" must set securityContext.seccompProfile.type to"
            + " \"RuntimeDefault\" or \"Localhost\")",
        PodSecurityEvaluator.detail(PodSecurityEvaluator.evaluate(new LevelVersion(Level.RESTRICTED, LevelVersion.LATEST),
            null, spec)));
    assertEquals("host namespaces, privileged, hostPath volumes", PodSecurityEvaluator.reasons(
        PodSecurityEvaluator.evaluate(new LevelVersion(Level.BASELINE, LevelVersion.LATEST), null, spec)));
    assertEquals(List.of(), PodSecurityEvaluator.evaluate(LevelVersion.PRIVILEGED, null, spec));
  }

  @Test
  void olderPolicyVersionsLeaveOutTheChecksTheyDidNotHave() {
    JsonNode spec = yaml("{containers: [{name: c, securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false,"
        + " runAsUser: 0, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}}]}");
    assertEquals("runAsUser=0", PodSecurityEvaluator.reasons(
        PodSecurityEvaluator.evaluate(new LevelVersion(Level.RESTRICTED, 23), null, spec)));
    assertEquals("", PodSecurityEvaluator.reasons(
        PodSecurityEvaluator.evaluate(new LevelVersion(Level.RESTRICTED, 22), null, spec)));
  }
}
