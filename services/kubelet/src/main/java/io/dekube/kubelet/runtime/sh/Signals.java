package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What reaches a shell from outside, shared by it and its subshells: an interrupt (Ctrl-C, the container's stop,
 * the client went) that ends what runs, a signal whose trap runs at the next command, and the cancels of the
 * commands that wait (sleep, wget…), which either stops at once. Thread-safe.
 */
public final class Signals {

  private final Set<Runnable> cancels = ConcurrentHashMap.newKeySet();
  private volatile boolean interrupted;
  private volatile String pending;

  /** Registers {@code cancel} as the way to end a command that waits; call {@link #done} when it ended. */
  public void running(Runnable cancel) {
    cancels.add(cancel);
    if (interrupted || pending != null) {
      cancels.remove(cancel);
      cancel.run();
    }
  }

  public void done(Runnable cancel) {
    cancels.remove(cancel);
  }

  /** Stops what runs: the commands waiting end, the script stops. */
  public void interrupt() {
    interrupted = true;
    cancelAll();
  }

  /** Whether the script was interrupted. */
  public boolean interrupted() {
    return interrupted;
  }

  /** A new command line runs: the interrupt before it is forgotten. */
  public void clear() {
    interrupted = false;
  }

  /** Delivers {@code signal} ({@code TERM}): what waits ends and its trap runs before the next command. */
  public void deliver(String signal) {
    pending = signal;
    cancelAll();
  }

  /** The signal delivered and not yet handled (null: none). */
  String pending() {
    return pending;
  }

  /** The signal delivered and not yet handled (null: none); taking it clears it. */
  String takePending() {
    String p = pending;
    pending = null;
    return p;
  }

  private void cancelAll() {
    List<Runnable> all = new ArrayList<>(cancels);
    cancels.clear();
    all.forEach(Runnable::run);
  }
}
