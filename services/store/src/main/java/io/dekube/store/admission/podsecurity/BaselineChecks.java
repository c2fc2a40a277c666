package io.dekube.store.admission.podsecurity;

import static io.dekube.store.admission.podsecurity.Words.containers;
import static io.dekube.store.admission.podsecurity.Words.isTrue;
import static io.dekube.store.admission.podsecurity.Words.name;
import static io.dekube.store.admission.podsecurity.Words.plural;
import static io.dekube.store.admission.podsecurity.Words.quoted;
import static io.dekube.store.admission.podsecurity.Words.security;
import static io.dekube.store.admission.podsecurity.Words.set;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of the baseline level, worded as kube's pod-security-admission words them. Each takes the
 * pod's (or template's) metadata and spec and the policy's minor version, and returns null when the
 * pod passes. Pure.
 */
final class BaselineChecks {

  private static final Set<String> DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
      "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t");
  private static final String SELINUX_ENGINE_TYPE = "container_engine_t"; // allowed from v1.31
  private static final List<String> SAFE_SYSCTLS = List.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start");
  /** The sysctls later policy versions allow, by the version that added them. */
  private static final Map<String, Integer> LATER_SYSCTLS = Map.of("net.ipv4.ip_local_reserved_ports", 27,
      "net.ipv4.tcp_keepalive_time", 29, "net.ipv4.tcp_fin_timeout", 29, "net.ipv4.tcp_keepalive_intvl", 29,
      "net.ipv4.tcp_keepalive_probes", 29, "net.ipv4.tcp_rmem", 32, "net.ipv4.tcp_wmem", 32);
  private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

  private BaselineChecks() {
  }

  static Violation hostNamespaces(JsonNode meta, JsonNode spec, int minor) {
    List<String> shared = new ArrayList<>();
    for (String f : new String[] {"hostNetwork", "hostPID", "hostIPC"}) {
      if (isTrue(spec.path(f))) {
        shared.add(f + "=true");
      }
    }
    return shared.isEmpty() ? null : new Violation("host namespaces", String.join(", ", shared));
  }

  static Violation privileged(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      if (isTrue(security(c, "privileged"))) {
        bad.add(name(c));
      }
    }
    return bad.isEmpty() ? null
        : new Violation("privileged", containers(bad) + " must not set securityContext.privileged=true");
  }

  static Violation capabilities(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    Set<String> added = new TreeSet<>();
    for (JsonNode c : Words.allContainers(spec)) {
      boolean ok = true;
      for (JsonNode cap : security(c, "capabilities").path("add")) {
        if (!DEFAULT_CAPABILITIES.contains(cap.asText())) {
          ok = false;
          added.add(cap.asText());
        }
      }
      if (!ok) {
        bad.add(name(c));
      }
    }
    return bad.isEmpty() ? null : new Violation("non-default capabilities",
        containers(bad) + " must not include " + quoted(added) + " in securityContext.capabilities.add");
  }

  static Violation hostPathVolumes(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    for (JsonNode v : spec.path("volumes")) {
      if (set(v.path("hostPath"))) {
        bad.add(v.path("name").asText(""));
      }
    }
    return bad.isEmpty() ? null
        : new Violation("hostPath volumes", plural("volume", "volumes", bad.size()) + " " + quoted(bad));
  }

  static Violation hostPorts(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    Set<String> ports = new TreeSet<>(); // sorted as text, as kube's string set sorts them
    for (JsonNode c : Words.allContainers(spec)) {
      boolean ok = true;
      for (JsonNode p : c.path("ports")) {
        if (p.path("hostPort").asInt(0) != 0) {
          ok = false;
          ports.add(Integer.toString(p.path("hostPort").asInt()));
        }
      }
      if (!ok) {
        bad.add(name(c));
      }
    }
    return bad.isEmpty() ? null : new Violation("hostPort", containers(bad) + " " + plural("uses", "use", bad.size())
        + " " + plural("hostPort", "hostPorts", ports.size()) + " " + String.join(", ", ports));
  }

  static Violation appArmor(JsonNode meta, JsonNode spec, int minor) {
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    JsonNode podType = spec.path("securityContext").path("appArmorProfile");
    if (set(podType) && !allowedAppArmorType(podType.path("type").asText(""))) {
      setters.add("pod");
      values.add(podType.path("type").asText(""));
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode profile = security(c, "appArmorProfile");
      if (set(profile) && !allowedAppArmorType(profile.path("type").asText(""))) {
        bad.add(name(c));
        values.add(profile.path("type").asText(""));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    List<String> annotations = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("annotations").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> a = it.next();
      String v = a.getValue().asText("");
      if (a.getKey().startsWith(APPARMOR_ANNOTATION)
          && !(v.isEmpty() || v.equals("runtime/default") || v.startsWith("localhost/"))) {
        annotations.add(a.getKey() + "=\"" + v + "\"");
      }
    }
    List<String> all = new ArrayList<>(values);
    if (!annotations.isEmpty()) {
      annotations.sort(null);
      all.addAll(annotations);
      setters.add(plural("annotation", "annotations", annotations.size()));
    }
    return setters.isEmpty() ? null : new Violation(
        plural("forbidden AppArmor profile", "forbidden AppArmor profiles", all.size()),
        String.join(" and ", setters) + " must not set AppArmor profile type to " + quoted(all));
  }

  private static boolean allowedAppArmorType(String type) {
    return type.equals("RuntimeDefault") || type.equals("Localhost");
  }

  static Violation seLinuxOptions(JsonNode meta, JsonNode spec, int minor) {
    SeLinuxFindings f = new SeLinuxFindings(minor >= 31);
    List<String> setters = new ArrayList<>();
    JsonNode pod = spec.path("securityContext").path("seLinuxOptions");
    if (set(pod) && !f.valid(pod)) {
      setters.add("pod");
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode opts = security(c, "seLinuxOptions");
      if (set(opts) && !f.valid(opts)) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    if (setters.isEmpty()) {
      return null;
    }
    List<String> data = new ArrayList<>();
    if (!f.types.isEmpty()) {
      data.add(plural("type", "types", f.types.size()) + " " + quoted(f.types));
    }
    if (f.user) {
      data.add("user may not be set");
    }
    if (f.role) {
      data.add("role may not be set");
    }
    return new Violation("seLinuxOptions",
        String.join(" and ", setters) + " set forbidden securityContext.seLinuxOptions: " + String.join("; ", data));
  }

  /** What the seLinuxOptions seen so far set that they must not. */
  private static final class SeLinuxFindings {
    final boolean engineAllowed;
    final Set<String> types = new TreeSet<>();
    boolean user;
    boolean role;

    SeLinuxFindings(boolean engineAllowed) {
      this.engineAllowed = engineAllowed;
    }

    boolean valid(JsonNode opts) {
      boolean ok = true;
      String type = opts.path("type").asText("");
      if (!SELINUX_TYPES.contains(type) && !(engineAllowed && type.equals(SELINUX_ENGINE_TYPE))) {
        ok = false;
        types.add(type);
      }
      if (!opts.path("user").asText("").isEmpty()) {
        ok = false;
        user = true;
      }
      if (!opts.path("role").asText("").isEmpty()) {
        ok = false;
        role = true;
      }
      return ok;
    }
  }

  static Violation procMount(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode pm = security(c, "procMount");
      if (set(pm) && !pm.asText().equals("Default")) {
        bad.add(name(c));
        types.add(pm.asText());
      }
    }
    return bad.isEmpty() ? null : new Violation("procMount",
        containers(bad) + " must not set securityContext.procMount to " + quoted(types));
  }

  /** Baseline seccomp: a profile, where set, must be RuntimeDefault or Localhost (the fields of v1.19+). */
  static Violation seccompProfile(JsonNode meta, JsonNode spec, int minor) {
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    JsonNode pod = spec.path("securityContext").path("seccompProfile");
    if (set(pod) && !validSeccomp(pod)) {
      setters.add("pod");
      values.add(pod.path("type").asText(""));
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode p = security(c, "seccompProfile");
      if (set(p) && !validSeccomp(p)) {
        bad.add(name(c));
        values.add(p.path("type").asText(""));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    return setters.isEmpty() ? null : new Violation("seccompProfile", String.join(" and ", setters)
        + " must not set securityContext.seccompProfile.type to " + quoted(values));
  }

  static boolean validSeccomp(JsonNode profile) {
    String type = profile.path("type").asText("");
    return type.equals("RuntimeDefault") || type.equals("Localhost");
  }

  static Violation sysctls(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    for (JsonNode s : spec.path("securityContext").path("sysctls")) {
      String name = s.path("name").asText("");
      Integer since = LATER_SYSCTLS.get(name);
      if (!SAFE_SYSCTLS.contains(name) && (since == null || minor < since)) {
        bad.add(name);
      }
    }
    return bad.isEmpty() ? null : new Violation("forbidden sysctls", String.join(", ", bad));
  }

  static Violation windowsHostProcess(JsonNode meta, JsonNode spec, int minor) {
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      if (isTrue(security(c, "windowsOptions").path("hostProcess"))) {
        bad.add(name(c));
      }
    }
    List<String> setters = new ArrayList<>();
    if (isTrue(spec.path("securityContext").path("windowsOptions").path("hostProcess"))) {
      setters.add("pod");
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    return setters.isEmpty() ? null : new Violation("hostProcess",
        String.join(" and ", setters) + " must not set securityContext.windowsOptions.hostProcess=true");
  }
}
