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
      DnsComponent.besideKubeProxy(), // kube-proxy serves the kube-dns Service's port 53
      new IngressComponent(),
      new KubeletComponent(),
      new MetricsServerComponent());

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

  /**
   * Deploys {@code components}; blocking, from a plain thread. The store's writers and then the
   * apiserver start first, one after the other (the apiserver creates the PKI and the bootstrap
   * objects the others read); every later component needs only the bus and the store, so they
   * start side by side, each on a thread of its own, and a restart waits for the slowest of them
   * rather than for their sum. The first failure is thrown once all have finished.
   */
  static void deploy(LaunchContext ctx, List<Component> components) throws Exception {
    int i = 0;
    for (; i < components.size() && isFoundation(components.get(i)); i++) {
      components.get(i).deploy(ctx.forComponent(i));
    }
    List<java.util.concurrent.CompletableFuture<Void>> rest = new ArrayList<>();
    for (; i < components.size(); i++) {
      Component c = components.get(i);
      LaunchContext view = ctx.forComponent(i);
      java.util.concurrent.CompletableFuture<Void> started = new java.util.concurrent.CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          c.deploy(view);
          started.complete(null);
        } catch (Throwable e) {
          started.completeExceptionally(e);
        }
      }, "dekube-start-" + c.getClass().getSimpleName());
      t.start();
      rest.add(started);
    }
    Exception first = null;
    for (java.util.concurrent.CompletableFuture<Void> started : rest) {
      try {
        started.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (first == null) {
          first = e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static boolean isFoundation(Component c) {
    return c instanceof StoreComponent || c instanceof ApiServerComponent;
  }
}
