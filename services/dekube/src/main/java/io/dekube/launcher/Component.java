package io.dekube.launcher;

import java.util.List;

/**
 * One component that {@code dekube up} runs in its process (the store's writers, the apiserver,
 * the kubelets, ...). Each lives in its own {@code XxxComponent} class and is listed once in
 * {@link Components#ALL}; it declares its flags and deploys its verticles.
 */
interface Component {

  /** The flags this component reads from {@link UpOptions#flags()}; they appear in {@code ./dekube help}. */
  List<Flag> flags();

  /**
   * Deploys this component's verticles, in the order of {@link Components#ALL}. Blocking (it may
   * wait for deployments with {@link Cluster#await}): called from a plain thread.
   */
  void deploy(LaunchContext context) throws Exception;

  /**
   * Work that needs neither the bus nor the store: keys and certificates read or made, code a cold
   * JVM runs slowly the first time. It runs on a thread of its own while the broker starts, and
   * {@link #deploy} finds its result in {@link LaunchContext#prepared()}. Blocking; none by default.
   */
  default Object prepare(io.vertx.core.Vertx vertx, UpOptions options) throws Exception {
    return null;
  }
}
