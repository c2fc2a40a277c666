package io.dekube.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-scheduler's {@code /configz}: {@code {"componentconfig": ...}}, its KubeSchedulerConfiguration as kube 1.32
 * holds it after loading — the v1 document defaulted (kube's {@code SetDefaults_KubeSchedulerConfiguration}) and
 * converted to the internal type, which has no JSON tags, so Go's encoder names the fields as Go does
 * ({@code Parallelism}, {@code LeaderElection.LeaseDuration} as {@code "15s"}, {@code Profiles[].Plugins.MultiPoint});
 * {@code apiVersion} is the only lower-case key (kube sets it from the file's version; {@code kind} stays empty and
 * is left out). Each profile's plugins are kube's {@code mergePlugins}: the default plugins under {@code MultiPoint}
 * with what the profile disables left out and what it re-enables replaced in place, the other points as given; its
 * pluginConfig is the profile's own entries with kube's defaults filled ({@link PluginArgs}), then the defaulted
 * args of every other enabled plugin that has an args type, by name. Built once; pure.
 */
final class ComponentConfig {

  static final String API_VERSION = SchedulerConfiguration.API_VERSION;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The points of kube's internal {@code Plugins}, in its field order, with their v1 (YAML) names. */
  static final List<String> POINTS = List.of("preEnqueue", "queueSort", "preFilter", "filter", "postFilter",
      "preScore", "score", "reserve", "permit", "preBind", "bind", "postBind", "multiPoint");

  private ComponentConfig() {
  }

  /**
   * The {@code /configz} document of a configuration file's document ({@code Map.of()} for none) and the profiles
   * the scheduler runs, in order; {@code leaderElect} is dekube's own setting.
   */
  static ObjectNode of(Map<String, Object> doc, List<Map<String, Object>> profiles, boolean leaderElect) {
    ObjectNode c = F.objectNode();
    c.put("apiVersion", API_VERSION);
    c.set("Parallelism", number(doc.get("parallelism"), 16));
    Map<String, Object> le = map(doc.get("leaderElection"));
    ObjectNode l = c.putObject("LeaderElection");
    l.put("LeaderElect", leaderElect);
    l.put("LeaseDuration", duration(le.get("leaseDuration"), "15s"));
    l.put("RenewDeadline", duration(le.get("renewDeadline"), "10s"));
    l.put("RetryPeriod", duration(le.get("retryPeriod"), "2s"));
    l.put("ResourceLock", string(le.get("resourceLock"), "leases"));
    l.put("ResourceName", string(le.get("resourceName"), "kube-scheduler"));
    l.put("ResourceNamespace", string(le.get("resourceNamespace"), "kube-system"));
    Map<String, Object> cc = map(doc.get("clientConnection"));
    ObjectNode conn = c.putObject("ClientConnection");
    conn.put("Kubeconfig", string(cc.get("kubeconfig"), ""));
    conn.put("AcceptContentTypes", string(cc.get("acceptContentTypes"), ""));
    conn.put("ContentType", string(cc.get("contentType"), "application/vnd.kubernetes.protobuf"));
    conn.set("QPS", nonZero(cc.get("qps"), 50));
    conn.set("Burst", nonZero(cc.get("burst"), 100));
    c.put("EnableProfiling", bool(doc.get("enableProfiling"), true));
    c.put("EnableContentionProfiling", bool(doc.get("enableContentionProfiling"), true));
    c.set("PercentageOfNodesToScore", number(doc.get("percentageOfNodesToScore"), 0));
    c.set("PodInitialBackoffSeconds", number(doc.get("podInitialBackoffSeconds"), 1));
    c.set("PodMaxBackoffSeconds", number(doc.get("podMaxBackoffSeconds"), 10));
    ArrayNode ps = c.putArray("Profiles");
    for (Map<String, Object> p : profiles) {
      ps.add(profile(p));
    }
    c.putNull("Extenders"); // not built: dekube calls no extenders
    c.put("DelayCacheUntilActive", bool(doc.get("delayCacheUntilActive"), false));
    ObjectNode out = F.objectNode();
    out.set("componentconfig", c);
    return out;
  }

  private static ObjectNode profile(Map<String, Object> p) {
    ObjectNode o = F.objectNode();
    o.put("SchedulerName", string(p.get("schedulerName"), SchedulerConfiguration.DEFAULT_SCHEDULER));
    o.set("PercentageOfNodesToScore", p.get("percentageOfNodesToScore") == null ? F.nullNode()
        : number(p.get("percentageOfNodesToScore"), 0));
    Map<String, Object> plugins = map(p.get("plugins"));
    ObjectNode ps = o.putObject("Plugins");
    Set<String> enabled = new TreeSet<>();
    for (String point : POINTS) {
      PluginSet custom = PluginSet.parse(plugins.get(point), "plugins." + point);
      List<PluginSet.Named> defaults = point.equals("multiPoint") ? multiPointDefaults() : List.of();
      ObjectNode set = merge(defaults, custom);
      set.path("Enabled").forEach(e -> enabled.add(e.path("Name").asText()));
      ps.set(Character.toUpperCase(point.charAt(0)) + point.substring(1), set);
    }
    ArrayNode configs = o.putArray("PluginConfig");
    Set<String> configured = new LinkedHashSet<>();
    Object pc = p.get("pluginConfig");
    if (pc instanceof List<?> l) {
      for (Object e : l) {
        Map<String, Object> m = map(e);
        String name = String.valueOf(m.get("name"));
        configured.add(name);
        Object args = m.get("args");
        JsonNode defaulted = PluginArgs.defaulted(name, map(args));
        configs.addObject().put("Name", name).set("Args", defaulted != null ? defaulted
            : args == null ? F.nullNode() : MAPPER.valueToTree(args));
      }
    }
    for (String name : enabled) {
      JsonNode defaulted = configured.contains(name) ? null : PluginArgs.defaulted(name, Map.of());
      if (defaulted != null) {
        configs.addObject().put("Name", name).set("Args", defaulted);
      }
    }
    return o;
  }

  /** kube 1.32's {@code getDefaultPlugins}: the queue's two, then the default profile's plugins and weights. */
  static List<PluginSet.Named> multiPointDefaults() {
    List<PluginSet.Named> out = new ArrayList<>();
    out.add(new PluginSet.Named("SchedulingGates", 0));
    out.add(new PluginSet.Named("PrioritySort", 0));
    out.addAll(ProfileBuilder.DEFAULTS);
    return out;
  }

  /** kube's {@code mergePluginSet}: as a JSON {@code PluginSet}, {@code null} lists where Go's are nil. */
  static ObjectNode merge(List<PluginSet.Named> defaults, PluginSet custom) {
    List<PluginSet.Named> enabled = new ArrayList<>();
    Set<Integer> replaced = new java.util.HashSet<>();
    if (!custom.disabled().contains("*")) {
      for (PluginSet.Named d : defaults) {
        if (custom.disabled().contains(d.name())) {
          continue;
        }
        PluginSet.Named use = d;
        for (int i = 0; i < custom.enabled().size(); i++) {
          if (custom.enabled().get(i).name().equals(d.name())) {
            use = custom.enabled().get(i); // re-configured in place, keeping the default's order
            replaced.add(i);
          }
        }
        enabled.add(use);
      }
    }
    for (int i = 0; i < custom.enabled().size(); i++) {
      if (!replaced.contains(i)) {
        enabled.add(custom.enabled().get(i));
      }
    }
    ObjectNode set = F.objectNode();
    if (enabled.isEmpty()) {
      set.putNull("Enabled");
    } else {
      ArrayNode a = set.putArray("Enabled");
      enabled.forEach(n -> a.addObject().put("Name", n.name()).put("Weight", n.weight()));
    }
    if (custom.disabled().isEmpty()) {
      set.putNull("Disabled");
    } else {
      ArrayNode a = set.putArray("Disabled");
      custom.disabled().forEach(n -> a.addObject().put("Name", n).put("Weight", 0));
    }
    return set;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static String string(Object o, String dflt) {
    return o == null ? dflt : o.toString();
  }

  static boolean bool(Object o, boolean dflt) {
    return o == null ? dflt : Boolean.parseBoolean(o.toString());
  }

  /**
   * A number as given (YAML's int or float), or the default when absent; a field dekube does not read that is no
   * number is shown as given (the fields it reads were refused at load).
   */
  static JsonNode number(Object o, long dflt) {
    if (o == null || o instanceof Number) {
      return o == null ? F.numberNode(dflt) : MAPPER.valueToTree(o);
    }
    try {
      return F.numberNode(Long.parseLong(o.toString()));
    } catch (NumberFormatException e) {
      return F.textNode(o.toString());
    }
  }

  /** A number as given, or the default when absent or zero (kube's defaulting of client QPS and burst). */
  private static JsonNode nonZero(Object o, long dflt) {
    return o instanceof Number n && n.doubleValue() != 0 ? MAPPER.valueToTree(o) : F.numberNode(dflt);
  }

  /** A duration field as Go prints it ({@code 90s} is {@code 1m30s}), {@code dflt} when absent, as given when Go would refuse it. */
  static String duration(Object value, String dflt) {
    if (value == null) {
      return dflt;
    }
    try {
      return io.dekube.core.model.GoDuration.format(io.dekube.core.model.GoDuration.parse(value.toString().trim()));
    } catch (IllegalArgumentException e) {
      return value.toString();
    }
  }
}
