package io.dekube.store.admission.podsecurity;

import static io.dekube.store.admission.podsecurity.Words.containers;
import static io.dekube.store.admission.podsecurity.Words.name;
import static io.dekube.store.admission.podsecurity.Words.plural;
import static io.dekube.store.admission.podsecurity.Words.quoted;
import static io.dekube.store.admission.podsecurity.Words.security;
import static io.dekube.store.admission.podsecurity.Words.set;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks the restricted level adds to baseline, worded as kube's pod-security-admission words them.
 * From policy v1.25 on, the ones that make no sense on Windows pass pods with {@code spec.os.name: windows},
 * as kube's do. Pure.
 */
final class RestrictedChecks {

  /** The volume sources restricted allows; any other is named in the message ({@code unknown} when none is set). */
  private static final Set<String> ALLOWED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret", "image");
  private static final Set<String> KNOWN_VOLUMES = Set.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore",
      "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
      "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos");

  private RestrictedChecks() {
  }

  private static boolean windows(JsonNode spec, int minor) {
    return minor >= 25 && "windows".equals(spec.path("os").path("name").asText(""));
  }

  static Violation allowPrivilegeEscalation(JsonNode meta, JsonNode spec, int minor) {
    if (windows(spec, minor)) {
      return null;
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode ape = security(c, "allowPrivilegeEscalation");
      if (!ape.isBoolean() || ape.booleanValue()) {
        bad.add(name(c));
      }
    }
    return bad.isEmpty() ? null : new Violation("allowPrivilegeEscalation != false",
        containers(bad) + " must set securityContext.allowPrivilegeEscalation=false");
  }

  static Violation capabilities(JsonNode meta, JsonNode spec, int minor) {
    if (windows(spec, minor)) {
      return null;
    }
    List<String> missingDrop = new ArrayList<>();
    List<String> adding = new ArrayList<>();
    Set<String> added = new TreeSet<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode caps = security(c, "capabilities");
      if (!set(caps)) {
        missingDrop.add(name(c));
        continue;
      }
      boolean droppedAll = false;
      for (JsonNode d : caps.path("drop")) {
        droppedAll |= d.asText().equals("ALL");
      }
      if (!droppedAll) {
        missingDrop.add(name(c));
      }
      boolean bad = false;
      for (JsonNode a : caps.path("add")) {
        if (!a.asText().equals("NET_BIND_SERVICE")) {
          bad = true;
          added.add(a.asText());
        }
      }
      if (bad) {
        adding.add(name(c));
      }
    }
    List<String> details = new ArrayList<>();
    if (!missingDrop.isEmpty()) {
      details.add(containers(missingDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    if (!adding.isEmpty()) {
      details.add(containers(adding) + " must not include " + quoted(added) + " in securityContext.capabilities.add");
    }
    return details.isEmpty() ? null : new Violation("unrestricted capabilities", String.join("; ", details));
  }

  static Violation volumes(JsonNode meta, JsonNode spec, int minor) {
    List<String> names = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    for (JsonNode v : spec.path("volumes")) {
      String type = volumeType(v);
      if (!ALLOWED_VOLUMES.contains(type)) {
        names.add(v.path("name").asText(""));
        types.add(KNOWN_VOLUMES.contains(type) ? type : "unknown");
      }
    }
    return names.isEmpty() ? null : new Violation("restricted volume types",
        plural("volume", "volumes", names.size()) + " " + quoted(names) + " " + plural("uses", "use", names.size())
            + " " + plural("restricted volume type", "restricted volume types", types.size()) + " " + quoted(types));
  }

  /** The volume's source: its first field other than {@code name} that is set; "" when none is. */
  private static String volumeType(JsonNode volume) {
    for (Iterator<String> it = volume.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("name") && set(volume.get(f))) {
        return f;
      }
    }
    return "";
  }

  static Violation runAsNonRoot(JsonNode meta, JsonNode spec, int minor) {
    List<String> setters = new ArrayList<>();
    JsonNode pod = spec.path("securityContext").path("runAsNonRoot");
    boolean podNonRoot = false;
    if (pod.isBoolean()) {
      if (pod.booleanValue()) {
        podNonRoot = true;
      } else {
        setters.add("pod");
      }
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode v = security(c, "runAsNonRoot");
      if (v.isBoolean()) {
        if (!v.booleanValue()) {
          explicit.add(name(c));
        }
      } else if (!podNonRoot) {
        implicit.add(name(c));
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    if (!setters.isEmpty()) {
      return new Violation("runAsNonRoot != true",
          String.join(" and ", setters) + " must not set securityContext.runAsNonRoot=false");
    }
    return implicit.isEmpty() ? null : new Violation("runAsNonRoot != true",
        "pod or " + containers(implicit) + " must set securityContext.runAsNonRoot=true");
  }

  static Violation runAsUser(JsonNode meta, JsonNode spec, int minor) {
    List<String> setters = new ArrayList<>();
    if (isZero(spec.path("securityContext").path("runAsUser"))) {
      setters.add("pod");
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      if (isZero(security(c, "runAsUser"))) {
        bad.add(name(c));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containers(bad));
    }
    return setters.isEmpty() ? null
        : new Violation("runAsUser=0", String.join(" and ", setters) + " must not set runAsUser=0");
  }

  private static boolean isZero(JsonNode n) {
    return n.isNumber() && n.asLong() == 0;
  }

  static Violation seccompProfile(JsonNode meta, JsonNode spec, int minor) {
    if (windows(spec, minor)) {
      return null;
    }
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    JsonNode pod = spec.path("securityContext").path("seccompProfile");
    boolean podSet = false;
    if (set(pod)) {
      if (BaselineChecks.validSeccomp(pod)) {
        podSet = true;
      } else {
        setters.add("pod");
        values.add(pod.path("type").asText(""));
      }
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonNode c : Words.allContainers(spec)) {
      JsonNode p = security(c, "seccompProfile");
      if (set(p)) {
        if (!BaselineChecks.validSeccomp(p)) {
          explicit.add(name(c));
          values.add(p.path("type").asText(""));
        }
      } else if (!podSet) {
        implicit.add(name(c));
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containers(explicit));
    }
    if (!setters.isEmpty()) {
      return new Violation("seccompProfile", String.join(" and ", setters)
          + " must not set securityContext.seccompProfile.type to " + quoted(values));
    }
    return implicit.isEmpty() ? null : new Violation("seccompProfile", "pod or " + containers(implicit)
        + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
  }
}
