package io.dekube.scheduler.plugins;

import io.dekube.scheduler.plugins.imagelocality.ImageLocality;
import io.dekube.scheduler.plugins.nodevolumelimits.CsiLimits;
import io.dekube.scheduler.plugins.volumebinding.VolumeBinding;
import io.dekube.scheduler.plugins.volumerestrictions.VolumeRestrictions;
import io.dekube.scheduler.plugins.volumezone.VolumeZone;

import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.plugins.defaultbinder.DefaultBinder;
import io.dekube.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.dekube.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.dekube.scheduler.plugins.nodename.NodeName;
import io.dekube.scheduler.plugins.nodeports.NodePorts;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesBalancedAllocation;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesFit;
import io.dekube.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.dekube.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.dekube.scheduler.plugins.tainttoleration.TaintToleration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The in-tree plugins by name (kube's {@code plugins/registry.go}). Jar plugins are added to a copy
 * with {@link #with}; a name may be registered once.
 */
public final class Registry {

  private final Map<String, PluginFactory> factories;

  private Registry(Map<String, PluginFactory> factories) {
    this.factories = factories;
  }

  /** The built-in plugins. */
  public static Registry inTree() {
    Map<String, PluginFactory> m = new LinkedHashMap<>();
    put(m, NodeName.NAME, (a, h) -> new NodeName());
    put(m, NodeUnschedulable.NAME, (a, h) -> new NodeUnschedulable());
    put(m, NodePorts.NAME, (a, h) -> new NodePorts());
    put(m, NodeResourcesFit.NAME, (a, h) -> new NodeResourcesFit(a));
    put(m, NodeResourcesBalancedAllocation.NAME, (a, h) -> new NodeResourcesBalancedAllocation(a));
    put(m, NodeAffinityPlugin.NAME, (a, h) -> new NodeAffinityPlugin());
    put(m, TaintToleration.NAME, (a, h) -> new TaintToleration());
    put(m, InterPodAffinity.NAME, InterPodAffinity::new);
    put(m, PodTopologySpread.NAME, PodTopologySpread::new);
    put(m, VolumeRestrictions.NAME, (a, h) -> new VolumeRestrictions(h));
    put(m, CsiLimits.NAME, (a, h) -> new CsiLimits(h));
    put(m, VolumeBinding.NAME, (a, h) -> new VolumeBinding(h));
    put(m, VolumeZone.NAME, (a, h) -> new VolumeZone(h));
    put(m, ImageLocality.NAME, (a, h) -> new ImageLocality(h));
    put(m, DefaultPreemption.NAME, DefaultPreemption::new);
    put(m, DefaultBinder.NAME, (a, h) -> new DefaultBinder(h));
    return new Registry(m);
  }

  private static void put(Map<String, PluginFactory> m, String name,
                          BiFunction<Map<String, Object>, Handle, Plugin> create) {
    m.put(name, new PluginFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Plugin create(Map<String, Object> args, Handle handle) {
        return create.apply(args, handle);
      }
    });
  }

  /** A registry with one more factory; fails when the name is taken. */
  public Registry with(PluginFactory f) {
    if (factories.containsKey(f.name())) {
      throw new IllegalArgumentException("a plugin named " + f.name() + " is registered already");
    }
    Map<String, PluginFactory> m = new LinkedHashMap<>(factories);
    m.put(f.name(), f);
    return new Registry(m);
  }

  /** The factory of a plugin, or null. */
  public PluginFactory get(String name) {
    return factories.get(name);
  }

  /** Every registered name. */
  public java.util.Set<String> names() {
    return factories.keySet();
  }
}
