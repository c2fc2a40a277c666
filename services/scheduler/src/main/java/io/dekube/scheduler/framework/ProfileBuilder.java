package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.PermitPlugin;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.api.PostFilterPlugin;
import io.dekube.scheduler.api.PreBindPlugin;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ReservePlugin;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.plugins.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds one {@link Profile} from its {@code plugins} and {@code pluginConfig} sections, as
 * kube-scheduler merges them: kube's default plugins enabled at every point they implement
 * ({@code multiPoint}), minus what is disabled (per point or {@code "*"}), plus what is enabled,
 * with weights (a re-enabled default takes the new weight). Each plugin is created once per
 * profile with its args.
 */
final class ProfileBuilder {

  /** kube 1.32's default plugins and score weights. */
  static final List<PluginSet.Named> DEFAULTS = List.of(
      new PluginSet.Named("NodeUnschedulable", 0), new PluginSet.Named("NodeName", 0),
      new PluginSet.Named("TaintToleration", 3), new PluginSet.Named("NodeAffinity", 2),
      new PluginSet.Named("NodePorts", 0), new PluginSet.Named("NodeResourcesFit", 1),
      new PluginSet.Named("VolumeRestrictions", 0),
      new PluginSet.Named("NodeVolumeLimits", 0), new PluginSet.Named("VolumeBinding", 0),
      new PluginSet.Named("VolumeZone", 0),
      new PluginSet.Named("PodTopologySpread", 2), new PluginSet.Named("InterPodAffinity", 2),
      new PluginSet.Named("DefaultPreemption", 0), new PluginSet.Named("NodeResourcesBalancedAllocation", 1),
      new PluginSet.Named("ImageLocality", 1), new PluginSet.Named("DefaultBinder", 0));

  static final List<String> POINTS = List.of("preFilter", "filter", "postFilter", "preScore", "score", "reserve",
      "permit", "preBind", "bind");

  private final Registry registry;
  private final String where;
  private final Map<String, Map<String, Object>> args;
  private final Map<String, Plugin> created = new LinkedHashMap<>();
  private final Handle handle;

  ProfileBuilder(Registry registry, String where, Map<String, Map<String, Object>> args, Handle handle) {
    this.registry = registry;
    this.where = where;
    this.args = args;
    this.handle = handle;
  }

  Profile build(String schedulerName, Map<String, PluginSet> sets, int percentage) {
    PluginSet multi = sets.getOrDefault("multiPoint", PluginSet.EMPTY);
    List<PluginSet.Named> base = new ArrayList<>();
    for (PluginSet.Named d : DEFAULTS) {
      if (!multi.disables(d.name())) {
        base.add(d);
      }
    }
    for (PluginSet.Named e : multi.enabled()) {
      base.removeIf(b -> b.name().equals(e.name()));
      base.add(e);
    }
    Map<String, List<PluginSet.Named>> perPoint = new LinkedHashMap<>();
    for (String point : POINTS) {
      PluginSet set = sets.getOrDefault(point, PluginSet.EMPTY);
      List<PluginSet.Named> list = new ArrayList<>();
      for (PluginSet.Named b : base) {
        if (!set.disables(b.name()) && implementsPoint(plugin(b.name(), "multiPoint"), point)) {
          list.add(b);
        }
      }
      for (PluginSet.Named e : set.enabled()) {
        if (!implementsPoint(plugin(e.name(), point), point)) {
          throw new ConfigException(where + ".plugins." + point + ": plugin \"" + e.name() + "\" does not extend "
              + point + " plugin");
        }
        list.removeIf(b -> b.name().equals(e.name()));
        list.add(e);
      }
      perPoint.put(point, list);
    }
    return new Profile(schedulerName,
        of(perPoint.get("preFilter"), PreFilterPlugin.class), of(perPoint.get("filter"), FilterPlugin.class),
        of(perPoint.get("postFilter"), PostFilterPlugin.class), of(perPoint.get("preScore"), PreScorePlugin.class),
        scorers(perPoint.get("score")), of(perPoint.get("reserve"), ReservePlugin.class),
        of(perPoint.get("permit"), PermitPlugin.class), of(perPoint.get("preBind"), PreBindPlugin.class),
        of(perPoint.get("bind"), BindPlugin.class), percentage);
  }

  private Plugin plugin(String name, String point) {
    Plugin p = created.get(name);
    if (p != null) {
      return p;
    }
    PluginFactory f = registry.get(name);
    if (f == null) {
      throw new ConfigException(where + ".plugins." + point + ": plugin \"" + name + "\" does not exist (known: "
          + String.join(", ", registry.names()) + ")");
    }
    try {
      p = f.create(args.getOrDefault(name, Map.of()), handle);
    } catch (RuntimeException e) {
      throw new ConfigException(where + ".pluginConfig[" + name + "].args: " + e.getMessage(), e);
    }
    if (p == null) {
      throw new ConfigException(where + ": the factory of plugin \"" + name + "\" returned no plugin");
    }
    created.put(name, p);
    return p;
  }

  private static boolean implementsPoint(Plugin p, String point) {
    Function<Class<?>, Boolean> is = c -> c.isInstance(p);
    return switch (point) {
      case "preFilter" -> is.apply(PreFilterPlugin.class);
      case "filter" -> is.apply(FilterPlugin.class);
      case "postFilter" -> is.apply(PostFilterPlugin.class);
      case "preScore" -> is.apply(PreScorePlugin.class);
      case "score" -> is.apply(ScorePlugin.class);
      case "reserve" -> is.apply(ReservePlugin.class);
      case "permit" -> is.apply(PermitPlugin.class);
      case "preBind" -> is.apply(PreBindPlugin.class);
      case "bind" -> is.apply(BindPlugin.class);
      default -> false;
    };
  }

  private <T> List<T> of(List<PluginSet.Named> names, Class<T> type) {
    return names.stream().map(n -> type.cast(created.get(n.name()))).toList();
  }

  private List<WeightedScorer> scorers(List<PluginSet.Named> names) {
    return names.stream().map(n -> new WeightedScorer((ScorePlugin) created.get(n.name()),
        n.weight() == 0 ? 1 : n.weight())).toList();
  }
}
