package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults Kubernetes gives a pod spec (core/v1 {@code SetDefaults_PodSpec}, {@code _Container},
 * {@code _Volume}, probes, ports), used for pods and for every pod template, without the fields of disabled
 * features ({@link DisabledPodFields}). Pure; mutates the given node.
 */
public final class PodSpecDefaults {

  private PodSpecDefaults() {
  }

  /** Defaults a new pod spec in place. */
  public static void apply(ObjectNode spec) {
    apply(spec, null);
  }

  /**
   * Defaults a pod spec in place; {@code oldSpec} is the stored object's (null on a create), whose use of a disabled
   * feature keeps that feature's fields ({@link DisabledPodFields}).
   */
  public static void apply(ObjectNode spec, JsonNode oldSpec) {
    Nodes.defaultText(spec, "dnsPolicy", "ClusterFirst");
    Nodes.defaultText(spec, "restartPolicy", "Always");
    Nodes.defaultInt(spec, "terminationGracePeriodSeconds", 30);
    Nodes.defaultText(spec, "schedulerName", "default-scheduler");
    Nodes.defaultBool(spec, "enableServiceLinks", true);
    if (!spec.has("securityContext") || spec.get("securityContext").isNull()) {
      spec.putObject("securityContext");
    }
    CanonicalQuantities.podSpec(spec);
    DisabledPodFields.drop(spec, oldSpec);
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        container(c, hostNetwork);
      }
    }
    for (ObjectNode v : Nodes.objects(spec, "volumes")) {
      volume(v);
    }
  }

  static void container(ObjectNode c, boolean hostNetwork) {
    Nodes.defaultText(c, "imagePullPolicy", pullPolicy(Nodes.text(c, "image")));
    Nodes.defaultText(c, "terminationMessagePath", "/dev/termination-log");
    Nodes.defaultText(c, "terminationMessagePolicy", "File");
    ObjectNode resources = Nodes.obj(c, "resources");
    if (resources.get("limits") instanceof ObjectNode limits && limits.size() > 0) {
      ObjectNode requests = Nodes.obj(resources, "requests");
      limits.fields().forEachRemaining(e -> {
        if (!requests.has(e.getKey())) {
          requests.set(e.getKey(), e.getValue());
        }
      });
    }
    for (ObjectNode p : Nodes.objects(c, "ports")) {
      Nodes.defaultText(p, "protocol", "TCP");
      if (hostNetwork && Nodes.absent(p, "hostPort") && p.has("containerPort")) {
        p.set("hostPort", p.get("containerPort"));
      }
    }
    for (ObjectNode e : Nodes.objects(c, "env")) {
      ObjectNode fieldRef = Nodes.objOrNull(Nodes.objOrNull(e, "valueFrom"), "fieldRef");
      if (fieldRef != null) {
        Nodes.defaultText(fieldRef, "apiVersion", "v1");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (c.get(probe) instanceof ObjectNode p) {
        probe(p);
      }
    }
    for (String hook : new String[] {"postStart", "preStop"}) {
      if (c.path("lifecycle").get(hook) instanceof ObjectNode h) {
        httpGet(h);
      }
    }
  }

  static void probe(ObjectNode p) {
    Nodes.defaultInt(p, "timeoutSeconds", 1);
    Nodes.defaultInt(p, "periodSeconds", 10);
    Nodes.defaultInt(p, "successThreshold", 1);
    Nodes.defaultInt(p, "failureThreshold", 3);
    httpGet(p);
    if (p.get("grpc") instanceof ObjectNode grpc) {
      Nodes.defaultText(grpc, "service", ""); // kube's SetDefaults_GRPCAction: kubectl describe reads it unchecked
    }
  }

  /** kube's {@code SetDefaults_HTTPGetAction}, for probes and lifecycle handlers alike. */
  static void httpGet(ObjectNode handler) {
    if (handler.get("httpGet") instanceof ObjectNode http) {
      Nodes.defaultText(http, "path", "/");
      Nodes.defaultText(http, "scheme", "HTTP");
    }
  }

  static void volume(ObjectNode v) {
    boolean hasSource = false;
    var it = v.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!f.equals("name")) {
        hasSource = true;
      }
    }
    if (!hasSource) {
      v.putObject("emptyDir");
    }
    for (String src : new String[] {"secret", "configMap", "downwardAPI", "projected"}) {
      if (v.get(src) instanceof ObjectNode s) {
        Nodes.defaultInt(s, "defaultMode", 420);
      }
    }
    if (v.get("hostPath") instanceof ObjectNode h) {
      if (!h.has("type")) {
        h.put("type", "");
      }
    }
  }

  /** Always for {@code :latest} or an untagged image without digest, else IfNotPresent. */
  static String pullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon <= slash) {
      return "Always";
    }
    return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
  }
}
