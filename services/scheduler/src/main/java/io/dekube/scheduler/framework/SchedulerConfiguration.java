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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}) and builds its
 * profiles: {@code profiles[].schedulerName}, {@code plugins.<point>.enabled/disabled} with weights,
 * {@code pluginConfig[].args}, {@code percentageOfNodesToScore}. No file means kube's one default
 * profile ({@code default-scheduler}). Every problem is a {@link ConfigException} naming the file
 * and the field.
 */
public final class SchedulerConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerConfiguration.class);
  static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
  public static final String DEFAULT_SCHEDULER = "default-scheduler";

  private SchedulerConfiguration() {
  }

  /** The profiles of a file (null: the default profile), their plugins from the registry. */
  public static List<Profile> load(Path file, Registry registry, Function<String, ProfileHandle> handles) {
    return load(file, List.of(), registry, handles);
  }

  /**
   * The profiles of a file (null: kube's default profile), then those the plugin jars bring ({@code fromJars}, in
   * jar order), their plugins from the registry. A profile of the file replaces a jar's of the same scheduler name
   * (the operator's configuration wins; logged); a jar's {@code default-scheduler} replaces kube's default profile
   * when there is no file; two jars offering one name is a {@link ConfigException} naming the second.
   */
  public static List<Profile> load(Path file, List<PluginJars.ProfileFile> fromJars, Registry registry,
                                   Function<String, ProfileHandle> handles) {
    Sources sources = sources(file, fromJars, true);
    List<Profile> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Entry e : sources.profiles()) {
      out.add(build(e, e.source() == null ? sources.name() : e.source(), registry, handles, names));
    }
    return out;
  }

  /**
   * The configuration as kube-scheduler serves it at {@code /configz}: {@code {"componentconfig": {...}}}, the
   * file's (or kube's default) KubeSchedulerConfiguration with kube's defaults and the profiles of the plugin jars
   * ({@link ComponentConfig}). The file is read again: call it once the profiles were {@link #load loaded}.
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode componentConfig(
      Path file, List<PluginJars.ProfileFile> fromJars, boolean leaderElect) {
    Sources sources = sources(file, fromJars, false);
    return ComponentConfig.of(sources.document(), sources.profiles().stream().map(Entry::profile).toList(),
        leaderElect);
  }

  /** The document (empty without a file) and its profiles then the jars', in order, each where it comes from. */
  private record Sources(String name, Map<String, Object> document, List<Entry> profiles) {
  }

  private static Sources sources(Path file, List<PluginJars.ProfileFile> fromJars, boolean log) {
    String name = file == null ? "default configuration" : file.toString();
    Map<String, Object> doc = Map.of();
    List<Entry> entries;
    try {
      if (file == null) {
        entries = new ArrayList<>(List.of(new Entry(Map.of(), "profiles[0]", 0)));
      } else {
        doc = read(file);
        entries = entries(doc);
      }
    } catch (ConfigException e) {
      throw new ConfigException(name + ": " + e.getMessage(), e.getCause());
    }
    Map<String, String> fromFile = new LinkedHashMap<>();
    entries.forEach(e -> fromFile.put(e.schedulerName(), name));
    List<Entry> added = new ArrayList<>();
    Map<String, String> owners = new LinkedHashMap<>();
    for (PluginJars.ProfileFile f : fromJars) {
      List<Entry> jarEntries;
      try {
        jarEntries = entries(f.document());
      } catch (ConfigException e) {
        throw new ConfigException(f.source() + ": " + e.getMessage(), e.getCause());
      }
      for (Entry e : jarEntries) {
        String scheduler = e.schedulerName();
        if (owners.containsKey(scheduler)) {
          throw new ConfigException(f.source() + ": " + e.where() + ".schedulerName: Duplicate value: \"" + scheduler
              + "\" (also in " + owners.get(scheduler) + ")");
        }
        owners.put(scheduler, f.source());
        if (file != null && fromFile.containsKey(scheduler)) {
          if (log) {
            LOG.info("scheduler profile {} of {} is replaced by the one in {}", scheduler, f.source(), file);
          }
          continue;
        }
        if (file == null && scheduler.equals(DEFAULT_SCHEDULER)) {
          entries.clear(); // the jar's default profile instead of kube's
        }
        added.add(e.from(f.source()));
      }
    }
    entries.addAll(added);
    return new Sources(name, doc, entries);
  }

  /** One profile of a configuration: its object, where it is ({@code profiles[i]}), the file's percentage. */
  private record Entry(Map<String, Object> profile, String where, int percentage, String source) {

    Entry(Map<String, Object> profile, String where, int percentage) {
      this(profile, where, percentage, null);
    }

    String schedulerName() {
      return profile.get("schedulerName") == null ? DEFAULT_SCHEDULER : profile.get("schedulerName").toString();
    }

    Entry from(String source) {
      return new Entry(profile, where, percentage, source);
    }
  }

  private static Profile build(Entry e, String source, Registry registry, Function<String, ProfileHandle> handles,
                               Set<String> names) {
    try {
      return profile(e.profile(), e.where(), registry, handles, e.percentage(), names);
    } catch (ConfigException x) {
      throw new ConfigException(source + ": " + x.getMessage(), x.getCause());
    }
  }

  /** The profiles of a KubeSchedulerConfiguration document, checked for its apiVersion and kind. */
  @SuppressWarnings("unchecked")
  private static List<Entry> entries(Map<String, Object> doc) {
    Object v = doc.get("apiVersion");
    if (!API_VERSION.equals(v)) {
      throw new ConfigException("apiVersion: Unsupported value: \"" + v + "\": supported values: \""
          + API_VERSION + "\"");
    }
    if (!"KubeSchedulerConfiguration".equals(doc.get("kind"))) {
      throw new ConfigException("kind: Unsupported value: \"" + doc.get("kind")
          + "\": supported values: \"KubeSchedulerConfiguration\"");
    }
    int percentage = percentage(doc.get("percentageOfNodesToScore"), "percentageOfNodesToScore", 0);
    Object rawProfiles = doc.get("profiles");
    List<Entry> out = new ArrayList<>();
    if (rawProfiles == null) {
      out.add(new Entry(Map.of(), "profiles[0]", percentage));
    } else if (rawProfiles instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map)) {
      for (int i = 0; i < l.size(); i++) {
        out.add(new Entry((Map<String, Object>) l.get(i), "profiles[" + i + "]", percentage));
      }
    } else {
      throw new ConfigException("profiles: must be a list of profiles");
    }
    return out;
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

  private static Map<String, Object> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("no such file");
    }
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read: " + e.getMessage(), e);
    }
  }

  /** A KubeSchedulerConfiguration document's YAML as a map; a {@link ConfigException} saying what is wrong. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml) {
    try {
      Object doc = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
      if (!(doc instanceof Map)) {
        throw new ConfigException("not a KubeSchedulerConfiguration object");
      }
      return (Map<String, Object>) doc;
    } catch (IOException e) {
      throw new ConfigException("cannot parse YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }
}
