package io.dekube.store.writer;

import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.ResourceQuotaAdmission;
import io.dekube.store.admission.WriteAdmission;
import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The writer: owns partitions of {@code dekube.requests} (consumer group {@code dekube-writers}) and
 * is the only one writing the store topics of their resources. Wiring only: the Kafka loop runs on a
 * dedicated thread owned by this verticle ({@link WriterLoop}); the logic is in
 * {@link RequestProcessor} and {@link BatchCommitter}.
 *
 * <p>{@link #start()} completes once the writer's <b>first assignment has been rebuilt</b> and it
 * answers requests for it (the assignment may be empty when other writers hold every partition);
 * it fails after {@link WriterConfig#startTimeout()}. {@link #stop()} finishes the batch in hand,
 * closes the producers and leaves the group, so partitions move at once.
 */
public final class WriterVerticle extends VerticleBase {

  private final WriterConfig config;
  private final ResourceRegistry registry;
  private final WriteAdmission admission;
  private WriterTestHooks hooks = WriterTestHooks.NONE;
  private ServiceRanges serviceRanges = ServiceRanges.defaults();
  private ResourceQuotaAdmission quota = ResourceQuotaAdmission.none();
  private WriteAdmission validating = (type, verb, obj, old) -> obj;
  private WriterLoop loop;
  private Future<?> caches = Future.succeededFuture();

  /** A writer for the given resources, admitting writes with {@code admission}. */
  public WriterVerticle(WriterConfig config, ResourceRegistry registry, WriteAdmission admission) {
    this.config = config;
    this.registry = registry;
    this.admission = admission;
  }

  /** A writer for the built-in resources with {@link BasicAdmission}. */
  public WriterVerticle(WriterConfig config) {
    this(config, ResourceRegistry.builtIn(), new BasicAdmission());
  }

  /** Where Service ClusterIPs and NodePorts come from ({@code --service-cidr}); call before deploying. */
  public WriterVerticle withServiceRanges(ServiceRanges ranges) {
    this.serviceRanges = ranges;
    return this;
  }

  /** The ResourceQuota admission (quotas from an informer; usage from this writer's state); call before deploying. */
  public WriterVerticle withResourceQuota(ResourceQuotaAdmission quota) {
    this.quota = quota;
    return this;
  }

  /**
   * A validating admission run after the chain on what it admitted, against the stored object itself
   * (where the chain compares a subresource write, {@code pods/ephemeralcontainers}, with an adjusted one):
   * kube's validating plugins, PodSecurity; call before deploying.
   */
  public WriterVerticle withValidatingAdmission(WriteAdmission validating) {
    this.validating = validating;
    return this;
  }

  /**
   * Answers requests only once {@code caches} completed — the caches the admission reads (CRDs,
   * PriorityClasses, ...), so that they sync while the writer joins its group and rebuilds its
   * partitions instead of before; call before deploying.
   */
  public WriterVerticle answeringAfter(Future<?> caches) {
    this.caches = caches;
    return this;
  }

  /** For tests: installs hooks; call before deploying. */
  WriterVerticle hooks(WriterTestHooks hooks) {
    this.hooks = hooks;
    return this;
  }

  @Override
  public Future<?> start() {
    RequestProcessor processor = new RequestProcessor(admission, validating, Clock.systemUTC(), new SecureRandom(),
        config.maxObjectBytes(), serviceRanges, quota);
    loop = new WriterLoop(config, registry, processor, hooks);
    java.util.concurrent.atomic.AtomicBoolean synced = new java.util.concurrent.atomic.AtomicBoolean();
    caches.onSuccess(v -> synced.set(true)); // read by the loop's thread
    loop.answerOnceAdmissionReady(synced::get);
    Thread t = new Thread(loop, "dekube-writer-" + config.writerId());
    t.setDaemon(true);
    t.start();
    Future<Void> answering = Future.fromCompletionStage(loop.firstAssignment()
        .orTimeout(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS), context);
    return Future.all(answering, caches) // a cache that cannot sync fails the start at once
        .recover(e -> {
          loop.stop();
          return Future.failedFuture(e);
        });
  }

  @Override
  public Future<?> stop() {
    if (loop == null) {
      return Future.succeededFuture();
    }
    loop.stop();
    return Future.fromCompletionStage(loop.stopped(), context);
  }

  /** The request partitions this writer answers right now. Any thread. */
  public Set<Integer> ownedPartitions() {
    return loop == null ? Set.of() : loop.readyPartitions();
  }

  /** For tests: dies like a crashed process (no commit, no abort, no group leave). */
  void kill() {
    if (loop != null) {
      loop.kill();
    }
  }

  /** For tests: how often a producer of this writer was fenced (or failed fatally) and re-initialized. */
  int fatalRecoveries() {
    return loop == null ? 0 : loop.fatalRecoveries();
  }

  /** For tests: completes when the loop thread has closed its clients. */
  Future<Void> loopStopped() {
    return loop == null ? Future.succeededFuture() : Future.fromCompletionStage(loop.stopped(), context);
  }
}
