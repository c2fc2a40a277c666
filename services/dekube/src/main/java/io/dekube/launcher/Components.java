package io.dekube.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Which components {@code dekube up} runs, in start order (they stop in reverse): the store's
 * writers, then the apiserver, then what acts on the stored objects. One line per component;
 * each component's wiring and flags live in its own {@code XxxComponent} class.
 */
final class Components {

  /** Every component, in start order. */
  static final List<Component> ALL = List.of(
      new StoreComponent(),
      new ApiServerComponent(),
      new SchedulerComponent(),
      new ControllerManagerComponent(),
      new KubeProxyComponent(),
      new DnsComponent(),
      new IngressComponent(),
      new KubeletComponent());

  private Components() {
  }

  /** The flags of {@code up}: the launcher's own, then each component's. */
  static List<Flag> flags() {
    List<Flag> all = new ArrayList<>(UpOptions.FLAGS);
    ALL.forEach(c -> all.addAll(c.flags()));
    return all;
  }

  /** Deploys every component in order; blocking, from a plain thread. */
  static void deploy(LaunchContext ctx) throws Exception {
    deploy(ctx, ALL);
  }

  /** Deploys {@code components} in order; blocking, from a plain thread. */
  static void deploy(LaunchContext ctx, List<Component> components) throws Exception {
    for (Component c : components) {
      c.deploy(ctx);
    }
  }
}
