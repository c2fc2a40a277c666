package io.dekube.kubelet.probe;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.pod.PodWorker;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The probes of a pod's containers (kubelet's prober workers): each startup, liveness and readiness
 * probe runs on its own timer (initial delay, then every period) with its timeout, and reports to the
 * pod worker when its result crosses the success or failure threshold. Liveness and readiness wait
 * for startup to succeed. Confined to the kubelet's context.
 */
public final class Prober {

  private final Vertx vertx;
  private final PodWorker worker;
  private final Map<String, Map<String, Long>> timers = new HashMap<>();
  private final Actions actions;

  public Prober(Vertx vertx, PodWorker worker) {
    this.vertx = vertx;
    this.worker = worker;
    this.actions = new Actions(vertx);
  }

  /** Starts the container's probes for its run {@code gen}. */
  public void start(ContainerRecord rec, Container c, int gen) {
    stop(rec.name());
    Probe startup = c.getStartupProbe();
    if (startup != null) {
      schedule(rec, c, gen, "startup", startup, new int[2], true);
    } else {
      afterStartup(rec, c, gen);
    }
  }

  private void afterStartup(ContainerRecord rec, Container c, int gen) {
    if (c.getLivenessProbe() != null) {
      schedule(rec, c, gen, "liveness", c.getLivenessProbe(), new int[2], false);
    }
    if (c.getReadinessProbe() != null) {
      schedule(rec, c, gen, "readiness", c.getReadinessProbe(), new int[2], false);
    }
  }

  private void schedule(ContainerRecord rec, Container c, int gen, String kind, Probe p, int[] counts, boolean first) {
    long delay = first || counts[0] + counts[1] == 0 ? seconds(p.getInitialDelaySeconds(), 0) * 1000L : 0;
    long period = Math.max(1, seconds(p.getPeriodSeconds(), 10)) * 1000L;
    long wait = counts[0] + counts[1] == 0 ? Math.max(1, delay) : period;
    long id = vertx.setTimer(wait, t -> run(rec, c, gen, kind, p, counts));
    timers.computeIfAbsent(rec.name(), k -> new HashMap<>()).put(kind, id);
  }

  private void run(ContainerRecord rec, Container c, int gen, String kind, Probe p, int[] counts) {
    if (!rec.isRunning()) {
      return;
    }
    check(rec, c, p).onComplete(ar -> {
      if (!rec.isRunning() || !timers.containsKey(rec.name())) {
        return;
      }
      boolean ok = ar.succeeded() && ar.result() == null;
      if (!ok) {
        worker.probeFailed(rec.name(), gen, Character.toUpperCase(kind.charAt(0)) + kind.substring(1),
            ar.succeeded() ? ar.result() : String.valueOf(ar.cause().getMessage()));
      }
      int success = seconds(p.getSuccessThreshold(), 1);
      int failure = seconds(p.getFailureThreshold(), 3);
      counts[ok ? 0 : 1]++;
      counts[ok ? 1 : 0] = 0;
      if (ok && counts[0] == success) {
        if (kind.equals("startup")) {
          worker.probed(rec.name(), gen, null, true);
          afterStartup(rec, c, gen);
          return;
        }
        if (kind.equals("readiness")) {
          worker.probed(rec.name(), gen, true, null);
        }
      } else if (!ok && counts[1] == failure) {
        if (kind.equals("readiness")) {
          worker.probed(rec.name(), gen, false, null);
        } else {
          worker.kill(rec.name(), gen, "failed " + kind + " probe", p.getTerminationGracePeriodSeconds());
          return;
        }
      }
      counts[0] = Math.min(counts[0], 1_000_000);
      schedule(rec, c, gen, kind, p, counts, false);
    });
  }

  /** One check: null = success, else what failed, worded as kube's probers word it. */
  private Future<String> check(ContainerRecord rec, Container c, Probe p) {
    long timeout = Math.max(1, seconds(p.getTimeoutSeconds(), 1)) * 1000L;
    if (p.getHttpGet() != null) {
      return actions.httpGet(p.getHttpGet(), c, worker.podIp(), timeout, "kube-probe/1.32")
          .map(code -> code >= 200 && code < 400 ? (String) null : "HTTP probe failed with statuscode: " + code)
          .recover(e -> Future.succeededFuture(e.getMessage()));
    }
    if (p.getTcpSocket() != null) {
      var t = p.getTcpSocket();
      String host = t.getHost() == null || t.getHost().isEmpty() ? worker.podIp() : t.getHost();
      return actions.tcp(host, Actions.port(c, t.getPort())).map(v -> (String) null)
          .recover(e -> Future.succeededFuture(e.getMessage()));
    }
    if (p.getGrpc() != null && p.getGrpc().getPort() != null) {
      return GrpcHealthCheck.check(vertx, worker.podIp(), p.getGrpc().getPort(), p.getGrpc().getService(), timeout);
    }
    if (p.getExec() != null && p.getExec().getCommand() != null && rec.running() != null) {
      return Actions.exec(rec.running(), p.getExec().getCommand()).result().map(r -> r.exitCode() == 0 ? null
          : !(r.stdout() + r.stderr()).isEmpty() ? (r.stdout() + r.stderr()).strip()
          : "command " + p.getExec().getCommand() + " exited with " + r.exitCode());
    }
    return Future.succeededFuture(null);
  }

  private static int seconds(Integer v, int fallback) {
    return v == null || v <= 0 ? fallback : v;
  }

  /** Stops a container's probes. */
  public void stop(String container) {
    Map<String, Long> ids = timers.remove(container);
    if (ids != null) {
      ids.values().forEach(vertx::cancelTimer);
    }
  }

  public void stopAll() {
    new ArrayList<>(timers.keySet()).forEach(this::stop);
  }
}
