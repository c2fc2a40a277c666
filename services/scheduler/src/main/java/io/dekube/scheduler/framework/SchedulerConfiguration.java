package io.dekube.scheduler.framework;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dekube.scheduler.plugins.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}) and builds its
 * profiles: {@code profiles[].schedulerName}, {@code plugins.<point>.enabled/disabled} with weights,
 * {@code pluginConfig[].args}, {@code percentageOfNodesToScore}. No file means kube's one default
 * profile ({@code default-scheduler}). Every problem is a {@link ConfigException} naming the file
 * and the field.
 */
public final class SchedulerConfiguration {

  static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
  public static final String DEFAULT_SCHEDULER = "default-scheduler";

  private SchedulerConfiguration() {
  }

  /** The profiles of a file (null: the default profile), their plugins from the registry. */
  @SuppressWarnings("unchecked")
  public static List<Profile> load(Path file, Registry registry, Function<String, ProfileHandle> handles) {
    Map<String, Object> doc = file == null ? Map.of() : read(file);
    String name = file == null ? "default configuration" : file.toString();
    try {
      if (file != null) {
        Object v = doc.get("apiVersion");
        if (!API_VERSION.equals(v)) {
          throw new ConfigException("apiVersion: Unsupported value: \"" + v + "\": supported values: \""
              + API_VERSION + "\"");
        }
        if (!"KubeSchedulerConfiguration".equals(doc.get("kind"))) {
          throw new ConfigException("kind: Unsupported value: \"" + doc.get("kind")
              + "\": supported values: \"KubeSchedulerConfiguration\"");
        }
      }
      int percentage = percentage(doc.get("percentageOfNodesToScore"), "percentageOfNodesToScore", 0);
      Object rawProfiles = doc.get("profiles");
      List<Map<String, Object>> profiles = new ArrayList<>();
      if (rawProfiles == null) {
        profiles.add(Map.of());
      } else if (rawProfiles instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map)) {
        l.forEach(e -> profiles.add((Map<String, Object>) e));
      } else {
        throw new ConfigException("profiles: must be a list of profiles");
      }
      List<Profile> out = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (int i = 0; i < profiles.size(); i++) {
        out.add(profile(profiles.get(i), "profiles[" + i + "]", registry, handles, percentage, names));
      }
      return out;
    } catch (ConfigException e) {
      throw new ConfigException(name + ": " + e.getMessage(), e.getCause());
    }
  }

  @SuppressWarnings("unchecked")
  private static Profile profile(Map<String, Object> p, String where, Registry registry,
                                 Function<String, ProfileHandle> handles, int percentage, Set<String> names) {
    String schedulerName = p.get("schedulerName") == null ? DEFAULT_SCHEDULER : p.get("schedulerName").toString();
    if (!names.add(schedulerName)) {
      throw new ConfigException(where + ".schedulerName: Duplicate value: \"" + schedulerName + "\"");
    }
    Map<String, PluginSet> sets = new LinkedHashMap<>();
    Object plugins = p.get("plugins");
    if (plugins != null) {
      if (!(plugins instanceof Map<?, ?> pm)) {
        throw new ConfigException(where + ".plugins: must be an object");
      }
      for (Map.Entry<?, ?> e : pm.entrySet()) {
        String point = e.getKey().toString();
        if (!point.equals("multiPoint") && !point.equals("queueSort") && !point.equals("preEnqueue")
            && !point.equals("postBind") && !ProfileBuilder.POINTS.contains(point)) {
          throw new ConfigException(where + ".plugins." + point + ": unknown extension point");
        }
        sets.put(point, PluginSet.parse(e.getValue(), where + ".plugins." + point));
      }
    }
    Map<String, Map<String, Object>> args = new LinkedHashMap<>();
    Object pc = p.get("pluginConfig");
    if (pc != null) {
      if (!(pc instanceof List<?> l)) {
        throw new ConfigException(where + ".pluginConfig: must be a list of {name, args}");
      }
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof Map<?, ?> m) || m.get("name") == null) {
          throw new ConfigException(where + ".pluginConfig[" + i + "].name: Required value");
        }
        Object a = m.get("args");
        if (a != null && !(a instanceof Map)) {
          throw new ConfigException(where + ".pluginConfig[" + i + "].args: must be an object");
        }
        args.put(m.get("name").toString(), a == null ? Map.of() : (Map<String, Object>) a);
      }
    }
    int pct = percentage(p.get("percentageOfNodesToScore"), where + ".percentageOfNodesToScore", percentage);
    ProfileHandle handle = handles.apply(schedulerName);
    Profile profile = new ProfileBuilder(registry, where, args, handle).build(schedulerName, sets, pct);
    handle.attach(profile);
    return profile;
  }

  private static int percentage(Object raw, String where, int dflt) {
    if (raw == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.toString());
      if (v < 0 || v > 100) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(where + ": Invalid value: " + raw + ": not in valid range [0-100]");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file");
    }
    try {
      Object doc = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
      if (!(doc instanceof Map)) {
        throw new ConfigException(file + ": not a KubeSchedulerConfiguration object");
      }
      return (Map<String, Object>) doc;
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot parse YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }
}
