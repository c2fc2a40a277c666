package io.dekube.core.informer;

/** A handler or watch added to an {@link Informer}; {@link #remove()} stops its deliveries. */
public interface HandlerRegistration {

  /**
   * Stops deliveries: none starts after this returns (one already running on the handler's
   * context finishes). Idempotent; any thread.
   */
  void remove();
}
