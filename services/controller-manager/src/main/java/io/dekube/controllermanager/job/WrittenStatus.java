package io.dekube.controllermanager.job;

import io.dekube.core.model.ObjectKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The resourceVersion of the last status this controller wrote per Job. A sync that reads the Job
 * older than that waits for the informer to catch up (the write's own event syncs the Job again):
 * reading a status from before its own counting would count a pod whose finalizer is gone as not yet
 * succeeded, and create its replacement. Thread-safe.
 */
final class WrittenStatus {

  private final Map<ObjectKey, Long> written = new HashMap<>();

  /** Records a status write that answered {@code resourceVersion}. */
  synchronized void wrote(ObjectKey job, String resourceVersion) {
    long rv = parse(resourceVersion);
    if (rv >= 0) {
      written.merge(job, rv, Math::max);
    }
  }

  /** Whether the Job read at {@code resourceVersion} is older than the last status written. */
  synchronized boolean stale(ObjectKey job, String resourceVersion) {
    Long last = written.get(job);
    long rv = parse(resourceVersion);
    return last != null && rv >= 0 && rv < last;
  }

  synchronized void forget(ObjectKey job) {
    written.remove(job);
  }

  private static long parse(String rv) {
    try {
      return rv == null ? -1 : Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
