package io.dekube.kubelet.runtime.sh;

import java.util.concurrent.atomic.AtomicLong;

/** The process ids shown for background jobs ({@code $!}): made up, rising, as a fresh container's. Thread-safe. */
final class Jobs {

  private static final AtomicLong NEXT = new AtomicLong(100);

  private Jobs() {
  }

  static long next() {
    return NEXT.incrementAndGet();
  }
}
