package io.dekube.core.bus;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A client's link to the process's {@link BusMonitor} of its bus: finds the monitor when one runs
 * (it may start after the client) and adds the client's listener to it exactly once. Thread-safe.
 */
public final class BusBinding {

  private final String bootstrap;
  private final BusMonitor.Listener listener;
  private final AtomicReference<BusMonitor> bound = new AtomicReference<>();

  /**
   * @param bootstrap the client's bootstrap servers, as the monitor was started with
   * @param listener  told of losses and returns once bound
   */
  public BusBinding(String bootstrap, BusMonitor.Listener listener) {
    this.bootstrap = bootstrap;
    this.listener = listener;
  }

  /** The running monitor (binding the listener on first sight), or null when none runs. */
  public BusMonitor monitor() {
    BusMonitor m = bound.get();
    if (m != null) {
      return m;
    }
    m = BusMonitor.find(bootstrap);
    if (m != null && bound.compareAndSet(null, m)) {
      m.addListener(listener);
    }
    return m;
  }

  /** The bus is known to be down (false without a monitor). */
  public boolean down() {
    BusMonitor m = monitor();
    return m != null && !m.up();
  }

  /** Tells the monitor a client saw an error, so it probes now. */
  public void suspect() {
    BusMonitor m = monitor();
    if (m != null) {
      m.suspect();
    }
  }

  /** Removes the listener. Idempotent. */
  public void unbind() {
    BusMonitor m = bound.getAndSet(null);
    if (m != null) {
      m.removeListener(listener);
    }
  }
}
