package io.dekube.kubelet.pod;

import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a pod's graceful deletion, once its containers stopped: the DELETE with a grace
 * period of 0 and the pod's uid as precondition (a new pod of the same name is never deleted), tried
 * again after a passing failure ({@link StoreRetry}: 5xx, 408, 429, a connection; 1, 2, 4, then every
 * 5 s, never sooner than Retry-After) until the pod is gone — kube's status manager does the same,
 * trying the delete on each of its syncs while the pod can be deleted. It ends when the delete went
 * through, the pod is gone (404, or its tombstone was seen: {@link #gone}), it was replaced by a pod of
 * the same name (409: the uid precondition failed), the store refused it (another 4xx, logged once,
 * not tried again by this worker), or the kubelet stops ({@link #stop}). Confined to the context that
 * runs it.
 */
final class FinalDelete {

  private static final Logger LOG = LoggerFactory.getLogger(FinalDelete.class);

  /** How the final delete ended. */
  enum Result {
    /** This delete removed the pod. */
    DELETED,
    /** The pod was already gone (404, or its tombstone was seen meanwhile). */
    GONE,
    /** A pod of the same name with another uid holds the name (409): it is left alone. */
    REPLACED,
    /** The store refused the delete for good (e.g. 403, 422): not tried again. */
    REFUSED,
    /** The kubelet stops: nothing more is tried. */
    STOPPED
  }

  private final Vertx vertx;
  private final String pod;
  private final Supplier<Future<?>> delete;
  private final Duration first;
  private final Duration max;
  private final Promise<Result> done = Promise.promise();
  private boolean started;
  private int failures;
  private long timer = -1;

  /**
   * @param pod    the pod, for logs: {@code namespace/name (uid)}
   * @param delete one try of the delete (the store's answer)
   * @param first  the wait after the first failure, doubled after each one up to {@code max}
   */
  FinalDelete(Vertx vertx, String pod, Supplier<Future<?>> delete, Duration first, Duration max) {
    this.vertx = vertx;
    this.pod = pod;
    this.delete = delete;
    this.first = first;
    this.max = max;
  }

  /** Starts the tries (once); completes with how they ended, never fails. */
  Future<Result> run() {
    if (!started) {
      started = true;
      attempt();
    }
    return done.future();
  }

  /** The pod's tombstone was seen: nothing is left to delete. */
  void gone() {
    finish(Result.GONE);
  }

  /** The kubelet stops: no more tries. */
  void stop() {
    finish(Result.STOPPED);
  }

  private void attempt() {
    timer = -1;
    if (done.future().isComplete()) {
      return;
    }
    Future<?> f;
    try {
      f = delete.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (done.future().isComplete()) {
        return;
      }
      if (ar.succeeded()) {
        if (failures > 0) {
          LOG.info("pod {} deleted after {} failed tries", pod, failures);
        }
        finish(Result.DELETED);
        return;
      }
      failed(ar.cause());
    });
  }

  private void failed(Throwable cause) {
    failures++;
    Result end = settled(cause);
    if (end == Result.REFUSED) {
      LOG.warn("final delete of pod {} refused, not tried again: {}", pod, cause.getMessage());
    } else if (end == Result.REPLACED) {
      LOG.info("pod {} was replaced by a pod of the same name, left alone: {}", pod, cause.getMessage());
    }
    if (end != null) {
      finish(end);
      return;
    }
    Duration wait = StoreRetry.delay(cause, failures, first, max);
    if (failures == 1) {
      LOG.info("final delete of pod {} failed, trying again in {} ms until it is gone: {}", pod, wait.toMillis(),
          cause.getMessage());
    } else {
      LOG.debug("final delete of pod {} failed ({} tries), trying again in {} ms: {}", pod, failures, wait.toMillis(),
          cause.getMessage());
    }
    timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> attempt());
  }

  private void finish(Result r) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    done.tryComplete(r);
  }

  /**
   * How a failed try ends the final delete, or null when the failure is passing and it is tried again:
   * 404 gone, 409 replaced (the uid precondition), any other refusal refused.
   */
  static Result settled(Throwable cause) {
    if (StoreRetry.passing(cause)) {
      return null;
    }
    int code = ((StatusException) cause).code();
    return code == 404 ? Result.GONE : code == 409 ? Result.REPLACED : Result.REFUSED;
  }
}
