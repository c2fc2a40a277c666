package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.ContainerLog;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.ResourceUsage;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * A container the engine runs: its output copied into the kubelet's container log as it comes ({@code GET
 * /containers/<id>/logs?follow=1}), its end from {@code POST /containers/<id>/wait} (then, once the log is drained,
 * {@code OOMKilled} from its inspection and the container removed — but an init container's, which a restarted
 * kubelet reads: the kubelet keeps its log and status), its stop
 * ({@code POST /containers/<id>/stop?t=<grace>}: SIGTERM, SIGKILL after the grace), exec through {@link DockerExec},
 * and its usage from {@code GET /containers/<id>/stats?stream=false}, refreshed in the background (a call reads the
 * last figures). Callbacks on the kubelet's context; {@link #usage} from any thread.
 */
final class DockerContainer implements RunningContainer {

  private final Vertx vertx;
  private final DockerClient client;
  private final String id;
  private final String imageId;
  private final boolean tty;
  private final boolean memoryLimited;
  private final ContainerLog log;
  private final Promise<Integer> exit = Promise.promise();
  /** An init container's: its end leaves it to the engine, for a restarted kubelet to read. */
  private boolean kept;
  private volatile boolean stopping;
  private volatile String reason;
  private volatile java.time.Instant finishedAt;
  private volatile ResourceUsage usage = ResourceUsage.NONE;
  private volatile long statsAt;

  DockerContainer(Vertx vertx, DockerClient client, String id, String imageId, boolean tty, boolean memoryLimited,
                  ContainerLog log) {
    this.vertx = vertx;
    this.client = client;
    this.id = id;
    this.imageId = imageId;
    this.tty = tty;
    this.memoryLimited = memoryLimited;
    this.log = log;
  }

  /** Leaves the container to the engine when it ends ({@code kept}: a regular init container's run). */
  DockerContainer keptWhenEnded(boolean kept) {
    this.kept = kept;
    return this;
  }

  /**
   * Follows the container's output and end: all its output, or ({@code since}, the engine's {@code seconds.nanos})
   * what it wrote since then (an adopted container: what its former kubelet had not copied yet).
   */
  DockerContainer follow(String since) {
    StreamFrames frames = new StreamFrames(tty, (stderr, payload) -> log.append(stderr ? "stderr" : "stdout",
        payload.getBytes()));
    Future<Void> drained = client.stream(HttpMethod.GET, "/containers/" + id
        + "/logs?follow=1&stdout=1&stderr=1" + (since == null ? "" : "&since=" + since), frames::feed)
        .recover(e -> Future.succeededFuture());
    awaitEnd(drained);
    vertx.setTimer(1000, t -> refreshUsage());
    return this;
  }

  private void awaitEnd(Future<Void> drained) {
    client.post("/containers/" + id + "/wait", null).onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof DockerClient.EngineException x && x.status() == 404)) {
        vertx.setTimer(1000, t -> awaitEnd(drained)); // the engine went away for a while: ask again
        return;
      }
      int code = ar.succeeded() ? ar.result().getInteger("StatusCode", 0) : 137;
      Promise<Void> logged = Promise.promise();
      long timer = vertx.setTimer(2000, t -> logged.tryComplete());
      drained.onComplete(x -> {
        vertx.cancelTimer(timer);
        logged.tryComplete();
      });
      logged.future()
          .compose(v -> client.get("/containers/" + id + "/json").map(this::ended).otherwise(false))
          .onComplete(oom -> {
            if (Boolean.TRUE.equals(oom.result()) || code == 137 && memoryLimited && !stopping) {
              // the engine's OOMKilled; where its cgroup manager cannot tell (podman on cgroupfs), a SIGKILL the
              // kubelet did not send to a container with a memory limit is the kernel's OOM killer
              reason = "OOMKilled";
            }
            log.close().whenComplete((closed, failure) -> vertx.runOnContext(x -> exit.tryComplete(code)));
            if (!kept) {
              client.delete("/containers/" + id + "?force=1&v=1");
            }
          });
    });
  }

  /** Reads the end's time from the container's inspection; whether the engine says it was OOMKilled. */
  private boolean ended(JsonObject inspected) {
    JsonObject state = inspected.getJsonObject("State", new JsonObject());
    finishedAt = finishedAt(state);
    return Boolean.TRUE.equals(state.getBoolean("OOMKilled"));
  }

  /** The engine's {@code FinishedAt} of an ended container; null when it has none (the zero time while it runs). */
  static java.time.Instant finishedAt(JsonObject state) {
    try {
      java.time.Instant t = java.time.OffsetDateTime.parse(state.getString("FinishedAt", "")).toInstant();
      return t.getEpochSecond() > 0 ? t : null;
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  @Override
  public java.time.Instant finishedAt() {
    return finishedAt;
  }

  @Override
  public String containerId() {
    return "docker://" + id;
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> reopenLog() {
    return log.reopen();
  }

  @Override
  public String imageId() {
    return imageId;
  }

  @Override
  public Future<Integer> exited() {
    return exit.future();
  }

  @Override
  public Future<Integer> stop(Duration grace) {
    stopping = true;
    long seconds = (grace.toMillis() + 999) / 1000;
    client.post("/containers/" + id + "/stop?t=" + seconds, null);
    return exit.future();
  }

  @Override
  public ExecSession exec(List<String> command, ExecSession.Output output) {
    return exec(command, output, false);
  }

  @Override
  public ExecSession exec(List<String> command, ExecSession.Output output, boolean terminal) {
    return DockerExec.start(client, id, command, output, terminal);
  }

  @Override
  public boolean attachable() {
    return true;
  }

  @Override
  public ExecSession attach(ExecSession.Output output) {
    return DockerExec.attach(client, id, output, tty, exit.future());
  }

  @Override
  public String exitReason() {
    return reason;
  }

  @Override
  public ResourceUsage usage() {
    if (System.currentTimeMillis() - statsAt > 1000) {
      vertx.runOnContext(v -> refreshUsage());
    }
    return usage;
  }

  /** Reads the engine's figures again ({@link #usageOf}). */
  private void refreshUsage() {
    if (exit.future().isComplete()) {
      return;
    }
    statsAt = System.currentTimeMillis();
    client.get("/containers/" + id + "/stats?stream=false").onSuccess(s -> usage = usageOf(s));
  }

  /**
   * The engine's figures: CPU time used so far, and kube's working set — the memory usage less the inactive file
   * pages, as cAdvisor takes it: cgroup v1's hierarchical {@code total_inactive_file} (Docker on cgroup v1 gives both
   * it and the cgroup's own {@code inactive_file}), v2's {@code inactive_file} (Docker on cgroup v2). Podman's compat
   * API gives the usage alone, no {@code stats} (cgroup v1 or v2, systemd or cgroupfs): its usage as it is, the page
   * cache counted in. 0 when the pages to leave out are more than the usage, as cAdvisor.
   */
  static ResourceUsage usageOf(JsonObject stats) {
    JsonObject cpu = stats.getJsonObject("cpu_stats", new JsonObject()).getJsonObject("cpu_usage", new JsonObject());
    JsonObject mem = stats.getJsonObject("memory_stats", new JsonObject());
    JsonObject memStats = mem.getJsonObject("stats", new JsonObject());
    long inactive = memStats.getLong("total_inactive_file", memStats.getLong("inactive_file", 0L));
    long used = mem.getLong("usage", 0L);
    return new ResourceUsage(cpu.getLong("total_usage", 0L), Math.max(0, used - inactive));
  }
}
