package io.dekube.controllermanager.common;

import io.dekube.core.model.ObjectKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * kube's {@code ControllerExpectations}: how many creates and deletes a controller has sent and
 * not yet seen in its informer, per owner key. While some are pending the owner does not manage
 * its replicas again, so a slow informer never causes a double create. Expectations older than
 * five minutes count as met (a lost event must not stall the owner forever). Thread-safe.
 */
public final class Expectations {

  /** kube's {@code ExpectationsTimeout}. */
  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private record Pending(int adds, int dels, Instant at) {
  }

  private final Clock clock;
  private final Map<ObjectKey, Pending> pending = new HashMap<>();

  public Expectations(Clock clock) {
    this.clock = clock;
  }

  /** Whether the owner may act: nothing pending, or what was pending is seen or expired. */
  public synchronized boolean satisfied(ObjectKey owner) {
    Pending p = pending.get(owner);
    if (p == null) {
      return true;
    }
    return (p.adds() <= 0 && p.dels() <= 0) || Duration.between(p.at(), clock.instant()).compareTo(TIMEOUT) > 0;
  }

  /** Expects {@code adds} creations and {@code dels} deletions (replacing what was expected). */
  public synchronized void expect(ObjectKey owner, int adds, int dels) {
    pending.put(owner, new Pending(adds, dels, clock.instant()));
  }

  /** One creation was seen (or will never happen: a create failed). */
  public synchronized void creationObserved(ObjectKey owner) {
    pending.computeIfPresent(owner, (k, p) -> new Pending(p.adds() - 1, p.dels(), p.at()));
  }

  /** One deletion was seen (or will never happen). */
  public synchronized void deletionObserved(ObjectKey owner) {
    pending.computeIfPresent(owner, (k, p) -> new Pending(p.adds(), p.dels() - 1, p.at()));
  }

  /** Forgets the owner (it was deleted). */
  public synchronized void forget(ObjectKey owner) {
    pending.remove(owner);
  }
}
