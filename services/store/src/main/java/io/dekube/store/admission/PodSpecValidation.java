package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Validation of a pod spec as core's {@code ValidatePodSpec} does it, for the fields dekube uses. Pure. */
public final class PodSpecValidation {

  static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
  static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("FallbackToLogsOnError", "File");

  private PodSpecValidation() {
  }

  /** Validates {@code spec} found at {@code path} (e.g. {@code spec.template.spec}). */
  public static void validate(JsonNode spec, String path, FieldErrors errs) {
    validate(spec, path, null, errs);
  }

  /** Validates a pod's {@code spec}; {@code podName} (null for templates) names generic ephemeral volumes' claims. */
  public static void validate(JsonNode spec, String path, String podName, FieldErrors errs) {
    if (!(spec instanceof ObjectNode)) {
      errs.required(path + ".containers");
      return;
    }
    Set<String> volumes = volumes(spec, path, podName, errs);
    Set<String> names = new HashSet<>();
    List<ObjectNode> containers = Nodes.objects(spec, "containers");
    if (containers.isEmpty()) {
      errs.required(path + ".containers");
    }
    containers(Nodes.objects(spec, "initContainers"), path + ".initContainers", names, volumes, errs);
    containers(containers, path + ".containers", names, volumes, errs);
    lifecycles(spec, path, errs);
    enumField(spec, "restartPolicy", path, RESTART_POLICIES, errs);
    enumField(spec, "dnsPolicy", path, DNS_POLICIES, errs);
    PodDnsConfigValidation.validate(spec, path, errs);
    JsonNode grace = spec.get("terminationGracePeriodSeconds");
    if (grace != null && grace.isNumber() && grace.asLong() < 0) {
      errs.invalid(path + ".terminationGracePeriodSeconds", grace, "must be greater than or equal to 0");
    }
    sysctls(spec, path + ".securityContext.sysctls", errs);
  }

  /** kube's {@code SysctlContainSlashFmt}, anchored as its message prints it. */
  static final String SYSCTL_PATTERN = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";
  private static final java.util.regex.Pattern SYSCTL = java.util.regex.Pattern.compile(SYSCTL_PATTERN);

  /**
   * kube's {@code validateSysctls}: each name is given, well-formed (at most 253 characters) and named once, and
   * no net.* sysctl with {@code hostNetwork}, no IPC one with {@code hostIPC} ({@code ValidateHostSysctl}).
   */
  private static void sysctls(JsonNode spec, String path, FieldErrors errs) {
    JsonNode list = spec.path("securityContext").path("sysctls");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String p = path + "[" + i + "].name";
      JsonNode name = list.get(i).path("name");
      String n = name.asText("");
      if (n.isEmpty()) {
        errs.required(p, "");
      } else if (n.length() > 253 || !SYSCTL.matcher(n).matches()) {
        errs.invalid(p, name, "must have at most 253 characters and match regex " + SYSCTL_PATTERN);
      } else if (!seen.add(n)) {
        errs.duplicate(p, name);
      }
      String ns = io.dekube.core.net.Sysctls.namespace(n);
      if (spec.path("hostNetwork").asBoolean(false) && "net".equals(ns)) {
        errs.invalid(p, name, "may not be specified when 'hostNetwork' is true");
      } else if (spec.path("hostIPC").asBoolean(false) && "ipc".equals(ns)) {
        errs.invalid(p, name, "may not be specified when 'hostIPC' is true");
      }
    }
  }

  /**
   * The containers' restart policies, lifecycle hooks and probes, as kube's {@code validateInitContainers}
   * and {@code validateContainers}: only an init container may have a {@code restartPolicy}, and only
   * {@code Always} (a sidecar); hooks and probes are for containers and sidecars, not for the init containers
   * that run to completion.
   */
  private static void lifecycles(JsonNode spec, String path, FieldErrors errs) {
    JsonNode g = spec.get("terminationGracePeriodSeconds");
    Long grace = g != null && g.isIntegralNumber() ? g.asLong() : null;
    int i = 0;
    for (ObjectNode c : Nodes.objects(spec, "initContainers")) {
      String p = path + ".initContainers[" + i++ + "]";
      JsonNode policy = c.get("restartPolicy");
      if (policy != null && !policy.isNull() && !"Always".equals(policy.asText())) {
        errs.notSupported(p + ".restartPolicy", policy, List.of("Always"));
      }
      if (policy != null && "Always".equals(policy.asText())) {
        LifecycleValidation.validate(c, p, grace, errs);
        ProbeValidation.validate(c, p, errs);
        continue;
      }
      for (String field : List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
        if (c.hasNonNull(field)) {
          errs.forbidden(p + "." + field, "may not be set for init containers without restartPolicy=Always");
        }
      }
    }
    i = 0;
    for (ObjectNode c : Nodes.objects(spec, "containers")) {
      String p = path + ".containers[" + i++ + "]";
      LifecycleValidation.validate(c, p, grace, errs);
      ProbeValidation.validate(c, p, errs);
      if (c.hasNonNull("restartPolicy")) {
        errs.forbidden(p + ".restartPolicy", "may not be set for non-init containers");
      }
    }
  }

  private static Set<String> volumes(JsonNode spec, String path, String podName, FieldErrors errs) {
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode v : Nodes.objects(spec, "volumes")) {
      String p = path + ".volumes[" + i++ + "]";
      String name = Nodes.text(v, "name");
      if (name.isEmpty()) {
        errs.required(p + ".name");
      } else {
        Validators.dns1123Label(name).forEach(e -> errs.invalid(p + ".name", name, e));
        if (!names.add(name)) {
          errs.duplicate(p + ".name", v.get("name"));
        }
      }
      if (v.has("ephemeral")) {
        ephemeral(v, p, podName, errs);
      }
    }
    return names;
  }

  /**
   * kube's validateEphemeralVolumeSource: a {@code volumeClaimTemplate} is required, its metadata's labels and
   * annotations and its spec valid as a claim's; and the claim's name {@code <pod>-<volume>} must be a valid name.
   */
  private static void ephemeral(ObjectNode v, String p, String podName, FieldErrors errs) {
    JsonNode template = v.path("ephemeral").get("volumeClaimTemplate");
    String tp = p + ".ephemeral.volumeClaimTemplate";
    if (template == null || template.isNull()) {
      errs.required(tp);
    } else {
      MetadataValidation.labelsAndAnnotations(template.path("metadata"), tp + ".metadata", errs);
      PersistentVolumeClaimAdmission.spec(template.path("spec"), tp + ".spec", errs);
    }
    String name = Nodes.text(v, "name");
    if (podName != null && !podName.isEmpty() && !name.isEmpty()) {
      String claim = podName + "-" + name;
      Validators.dns1123Subdomain(claim).forEach(e -> errs.invalid(p + ".name", name, "PVC name \"" + claim + "\": " + e));
    }
  }

  private static void containers(List<ObjectNode> list, String path, Set<String> names, Set<String> volumes,
                                 FieldErrors errs) {
    int i = 0;
    for (ObjectNode c : list) {
      String p = path + "[" + i++ + "]";
      String name = Nodes.text(c, "name");
      if (name.isEmpty()) {
        errs.required(p + ".name");
      } else {
        Validators.dns1123Label(name).forEach(e -> errs.invalid(p + ".name", name, e));
        if (!names.add(name)) {
          errs.duplicate(p + ".name", c.get("name"));
        }
      }
      if (Nodes.text(c, "image").isBlank()) {
        errs.required(p + ".image");
      }
      enumField(c, "imagePullPolicy", p, PULL_POLICIES, errs);
      enumField(c, "terminationMessagePolicy", p, TERMINATION_MESSAGE_POLICIES, errs);
      ports(c, p, errs);
      env(c, p, errs);
      mounts(c, p, volumes, errs);
      ContainerResourcesValidation.validate(c, p, errs);
    }
  }

  private static void ports(ObjectNode c, String path, FieldErrors errs) {
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode port : Nodes.objects(c, "ports")) {
      String p = path + ".ports[" + i++ + "]";
      if (!port.has("containerPort")) {
        errs.required(p + ".containerPort");
      } else if (!Validators.validPort(port.get("containerPort"))) {
        errs.invalid(p + ".containerPort", port.get("containerPort"), Validators.PORT_RANGE);
      }
      if (port.has("hostPort") && port.get("hostPort").asInt() != 0 && !Validators.validPort(port.get("hostPort"))) {
        errs.invalid(p + ".hostPort", port.get("hostPort"), Validators.PORT_RANGE);
      }
      String name = Nodes.text(port, "name");
      if (!name.isEmpty()) {
        Validators.portName(name).forEach(e -> errs.invalid(p + ".name", name, e));
        if (!names.add(name)) {
          errs.duplicate(p + ".name", port.get("name"));
        }
      }
      enumField(port, "protocol", p, PROTOCOLS, errs);
    }
  }

  private static void env(ObjectNode c, String path, FieldErrors errs) {
    int i = 0;
    for (ObjectNode e : Nodes.objects(c, "env")) {
      String p = path + ".env[" + i++ + "]";
      String name = Nodes.text(e, "name");
      if (name.isEmpty()) {
        errs.required(p + ".name");
      } else {
        Validators.envVarName(name).forEach(m -> errs.invalid(p + ".name", name, m));
      }
    }
  }

  private static void mounts(ObjectNode c, String path, Set<String> volumes, FieldErrors errs) {
    int i = 0;
    for (ObjectNode m : Nodes.objects(c, "volumeMounts")) {
      String p = path + ".volumeMounts[" + i++ + "]";
      String name = Nodes.text(m, "name");
      if (name.isEmpty()) {
        errs.required(p + ".name");
      } else if (!volumes.contains(name)) {
        errs.add("FieldValueNotFound", p + ".name", "Not found: " + FieldErrors.goValue(m.get("name")));
      }
      if (Nodes.text(m, "mountPath").isEmpty()) {
        errs.required(p + ".mountPath");
      }
      // kube reports the paths' own errors at volumeMounts.subPath, without the index (its fldPath, not idxPath)
      String subPath = Nodes.text(m, "subPath");
      String expr = Nodes.text(m, "subPathExpr");
      if (!subPath.isEmpty()) {
        descendingPath(m.get("subPath"), path + ".volumeMounts.subPath", errs);
      }
      if (!expr.isEmpty()) {
        if (!subPath.isEmpty()) {
          errs.invalid(p + ".subPathExpr", m.get("subPathExpr"), "subPathExpr and subPath are mutually exclusive");
        }
        descendingPath(m.get("subPathExpr"), path + ".volumeMounts.subPathExpr", errs);
      }
    }
  }

  /** kube's validateLocalDescendingPath: relative, and no {@code ..} element. */
  private static void descendingPath(JsonNode value, String path, FieldErrors errs) {
    String text = value.asText();
    if (text.startsWith("/")) {
      errs.invalid(path, value, "must be a relative path");
    }
    if (java.util.Arrays.asList(text.split("/")).contains("..")) {
      errs.invalid(path, value, "must not contain '..'");
    }
  }

  static void enumField(JsonNode obj, String field, String path, List<String> allowed, FieldErrors errs) {
    JsonNode v = obj.get(field);
    if (v != null && !v.isNull() && !allowed.contains(v.asText())) {
      if (v.asText().isEmpty()) {
        errs.required(path + "." + field);
      } else {
        errs.notSupported(path + "." + field, v, allowed);
      }
    }
  }
}
