package io.dekube.kubeproxy;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Small builders of service ports for table tests. */
public final class Fixtures {

  private Fixtures() {
  }

  public static ServicePort port(String ns, String name, String portName, String proto, int port, int nodePort,
      String clusterIp, List<Backend> backends) {
    return new ServicePort(ns, name, portName, proto, port, nodePort, nodePort > 0 ? "NodePort" : "ClusterIP",
        clusterIp == null ? List.of() : List.of(clusterIp), List.of(), List.of(), false, 10800, false, false,
        backends);
  }

  public static Backend ready(String ip, int port, String node) {
    return new Backend(ip, port, true, node, "", "");
  }

  /** Runs {@code action} on a context of {@code vertx} (as a verticle's code runs) and returns its result. */
  public static <T> Future<T> onContext(Vertx vertx, Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  /**
   * The result of {@code f}, waiting at most 30 s (test threads only): a first HTTP request of a JVM missed 10 s on a
   * CI machine at a load average of 26.
   */
  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public static Backend notReady(String ip, int port, String node) {
    return new Backend(ip, port, false, node, "", "");
  }
}
