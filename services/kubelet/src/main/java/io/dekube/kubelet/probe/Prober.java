package io.dekube.kubelet.probe;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.pod.PodWorker;
import io.dekube.kubelet.runtime.ExecSession;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
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

  private static final Map<Vertx, HttpClient> HTTP = new java.util.concurrent.ConcurrentHashMap<>();
  private static final Map<Vertx, NetClient> TCP = new java.util.concurrent.ConcurrentHashMap<>();

  private final Vertx vertx;
  private final PodWorker worker;
  private final Map<String, Map<String, Long>> timers = new HashMap<>();

  public Prober(Vertx vertx, PodWorker worker) {
    this.vertx = vertx;
    this.worker = worker;
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
          worker.kill(rec.name(), gen, "failed " + kind + " probe");
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
      var h = p.getHttpGet();
      String host = h.getHost() == null || h.getHost().isEmpty() ? worker.podIp() : h.getHost();
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(host)
          .setPort(port(c, h.getPort())).setURI(h.getPath() == null ? "/" : h.getPath()).setTimeout(timeout)
          .setSsl("HTTPS".equalsIgnoreCase(h.getScheme()));
      if (h.getHttpHeaders() != null) {
        for (HTTPHeader header : h.getHttpHeaders()) {
          o.addHeader(header.getName(), header.getValue());
        }
      }
      o.putHeader("User-Agent", "kube-probe/1.32");
      String url = (o.isSsl() ? "https" : "http") + "://" + host + ":" + o.getPort() + o.getURI();
      return http().request(o).compose(req -> req.send()).<String>map(resp -> {
        resp.body();
        return resp.statusCode() >= 200 && resp.statusCode() < 400 ? null
            : "HTTP probe failed with statuscode: " + resp.statusCode();
      }).recover(e -> Future.succeededFuture("Get \"" + url + "\": " + connectError(host, o.getPort(), e)));
    }
    if (p.getTcpSocket() != null) {
      var t = p.getTcpSocket();
      String host = t.getHost() == null || t.getHost().isEmpty() ? worker.podIp() : t.getHost();
      int port = port(c, t.getPort());
      return tcp().connect(port, host).<String>map(sock -> {
        sock.close();
        return null;
      }).recover(e -> Future.succeededFuture(connectError(host, port, e)));
    }
    if (p.getExec() != null && p.getExec().getCommand() != null && rec.running() != null) {
      StringBuffer out = new StringBuffer();
      ExecSession s = rec.running().exec(p.getExec().getCommand(), new ExecSession.Output() {
        @Override
        public void stdout(Buffer data) {
          out.append(data.toString());
        }

        @Override
        public void stderr(Buffer data) {
          out.append(data.toString());
        }
      });
      return s.exitCode().map(code -> code == 0 ? null
          : out.length() > 0 ? out.toString().strip() : "command " + p.getExec().getCommand() + " exited with " + code);
    }
    return Future.succeededFuture(null);
  }

  /** A failed connection as Go's dialer words it ({@code dial tcp 10.0.0.1:80: connect: connection refused}). */
  static String connectError(String host, int port, Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    String why = m.contains("refused") ? "connect: connection refused"
        : m.contains("timed out") || m.contains("timeout") ? "i/o timeout" : e.getMessage();
    return "dial tcp " + host + ":" + port + ": " + why;
  }

  private HttpClient http() {
    return HTTP.computeIfAbsent(vertx, v -> v.createHttpClient(new HttpClientOptions().setTrustAll(true)
        .setVerifyHost(false).setKeepAlive(false)));
  }

  private NetClient tcp() {
    return TCP.computeIfAbsent(vertx, v -> v.createNetClient(new NetClientOptions().setConnectTimeout(1000)));
  }

  static int port(Container c, IntOrString port) {
    if (port == null) {
      return 80;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    return name.matches("\\d+") ? Integer.parseInt(name) : 80;
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
