package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stress images of the resource task pages: {@code polinux/stress} ({@code stress --vm 1 --vm-bytes 150M
 * --vm-hang 1}, {@code --cpu N}) and {@code vish/stress} ({@code -cpus 2}, {@code -mem-total 150Mi}), read by
 * {@link StressArgs}. The work is real and counted as the container's:
 * <ul>
 *   <li>memory: byte arrays allocated in the kubelet's heap a MiB at a time and written to page by page, held as
 *   the container's working set ({@link JvmContainer#hold}); past the container's memory limit it is killed as the
 *   kernel's OOM killer does (exit 137, {@code OOMKilled}), as it is when the kubelet's heap has no room left. A
 *   stress memory hog keeps its bytes between rounds (as {@code --vm-keep}) rather than freeing and taking them
 *   again, which would churn the kubelet's heap;</li>
 *   <li>CPU: each hog adds square roots on a worker thread in slices of at most 10 ms, its thread CPU time counted
 *   ({@link JvmContainer#measuredWork}); a container with a CPU limit gets, as the CFS quota gives, at most
 *   limit × 100 ms of CPU in each 100 ms period, shared by its hogs, then waits for the next period.</li>
 * </ul>
 * stress ends after {@code --timeout} with {@code successful run completed}; vish's stress runs until stopped.
 */
final class Stress {

  private static final long MIB = 1 << 20;
  private static final long PERIOD_NANOS = 100_000_000;
  private static final long SLICE_NANOS = 10_000_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile double sink;

  private final JvmContainer c;
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** The memory hogs' arrays: what the container holds. */
  private final List<byte[]> held = java.util.Collections.synchronizedList(new ArrayList<>());
  private final CpuQuota quota;

  private Stress(JvmContainer c) {
    this.c = c;
    this.quota = new CpuQuota(c.cpuLimitMillis());
  }

  /** {@code polinux/stress}: the command line is the container's command and args ({@code stress …}). */
  static Future<Void> stress(JvmContainer c) {
    // stress (the C program) sets no signal handler: as PID 1 it ignores SIGTERM, so "Assign Memory Resources"'
    // `kubectl delete pod memory-demo` takes the pod's grace period and ends it with SIGKILL (137)
    c.noSigtermHandler();
    List<String> argv = new ArrayList<>(ImageArgs.argv(c.spec().container(), List.of(), List.of("stress", "--help")));
    if (!argv.isEmpty() && argv.get(0).startsWith("-")) {
      argv.add(0, "stress"); // only args given: stress's own options
    }
    if (argv.isEmpty() || !argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).equals("stress")) {
      return refuse(c, 127, "exec: \"" + (argv.isEmpty() ? "" : argv.get(0)) + "\": dekube's polinux/stress image "
          + "runs only stress");
    }
    StressArgs args;
    try {
      args = StressArgs.stress(argv.subList(1, argv.size()));
    } catch (StressArgs.Refused e) {
      return refuse(c, e.code, e.getMessage());
    }
    c.log().line("stress: info: [1] dispatching hogs: " + args.cpus() + " cpu, 0 io, " + args.vms() + " vm, 0 hdd");
    Stress s = new Stress(c);
    s.run(args);
    if (args.timeoutMillis() > 0) {
      long timer = c.vertx().setTimer(args.timeoutMillis(), t -> {
        c.log().line("stress: info: [1] successful run completed in " + args.timeoutMillis() / 1000 + "s");
        s.stop();
        c.exit(0);
      });
      c.onStop(() -> {
        c.vertx().cancelTimer(timer);
        return Future.succeededFuture();
      });
    }
    return Future.succeededFuture();
  }

  /** {@code vish/stress}: its flags are the container's args (its entrypoint is the program). */
  static Future<Void> vish(JvmContainer c) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("/stress"), List.of("-logtostderr"));
    StressArgs args;
    try {
      args = StressArgs.vish(argv.subList(1, argv.size()));
    } catch (StressArgs.Refused e) {
      return refuse(c, e.code, e.getMessage());
    }
    new Stress(c).run(args);
    return Future.succeededFuture();
  }

  private static Future<Void> refuse(JvmContainer c, int code, String message) {
    c.output("stderr", Buffer.buffer(message + "\n"));
    c.exit(code);
    return Future.succeededFuture();
  }

  private void run(StressArgs args) {
    c.onStop(() -> {
      stop();
      return Future.succeededFuture();
    });
    for (int i = 0; i < args.cpus(); i++) {
      burn();
    }
    for (int i = 0; i < args.vms(); i++) {
      allocate(args.vmBytes(), args.chunkBytes() > 0 ? args.chunkBytes() : args.vmBytes(), args.stepMillis());
    }
  }

  private void stop() {
    if (stopped.compareAndSet(false, true)) {
      long bytes;
      synchronized (held) {
        bytes = held.stream().mapToLong(a -> a.length).sum();
        held.clear();
      }
      c.release(bytes);
    }
  }

  /** One memory hog: {@code total} bytes taken {@code step} at a time, {@code pauseMillis} apart, then held. */
  private void allocate(long total, long step, long pauseMillis) {
    AtomicLong taken = new AtomicLong();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (stopped.get() || taken.get() >= total) {
        return;
      }
      long want = Math.min(step, total - taken.get());
      c.measuredWork(() -> take(want)).onComplete(ar -> {
        if (ar.failed() || !ar.result()) {
          return;
        }
        taken.addAndGet(want);
        if (pauseMillis > 0 && step < total) {
          c.vertx().setTimer(pauseMillis, t -> next[0].run());
        } else {
          next[0].run();
        }
      });
    };
    next[0].run();
  }

  /**
   * Takes {@code bytes} of heap in arrays of at most a MiB, writing a byte in each 4 KiB page as stress does; false
   * when the container was OOM-killed on the way (past its limit, or the kubelet's heap full).
   */
  private boolean take(long bytes) {
    for (long left = bytes; left > 0 && !stopped.get(); ) {
      int n = (int) Math.min(MIB, left);
      byte[] chunk;
      try {
        chunk = new byte[n];
      } catch (OutOfMemoryError e) {
        oomKilled();
        return false;
      }
      for (int p = 0; p < n; p += 4096) {
        chunk[p] = 'Z';
      }
      synchronized (held) {
        if (stopped.get()) {
          return false;
        }
        held.add(chunk);
        if (!c.hold(n)) {
          oomKilled();
          return false;
        }
      }
      left -= n;
    }
    return !stopped.get();
  }

  private void oomKilled() {
    stop();
    c.oomKilled();
  }

  /** One CPU hog: slices of square roots on worker threads, within the container's CPU quota. */
  private void burn() {
    if (stopped.get()) {
      return;
    }
    long wait = quota.waitNanos();
    if (wait > 0) {
      c.vertx().setTimer(Math.max(1, wait / 1_000_000), t -> burn());
      return;
    }
    long slice = quota.reserve();
    c.measuredWork(() -> spin(slice)).onComplete(ar -> {
      quota.settle(slice, ar.succeeded() ? ar.result() : 0);
      burn();
    });
  }

  /** Adds square roots until the thread has used {@code nanos} of CPU; the CPU time it used. */
  private long spin(long nanos) {
    long start = THREADS.getCurrentThreadCpuTime();
    double x = 0.0001;
    long used = 0;
    while (used < nanos && !stopped.get()) {
      for (int i = 0; i < 10_000; i++) {
        x += Math.sqrt(x);
      }
      used = THREADS.getCurrentThreadCpuTime() - start;
    }
    sink = x;
    return used;
  }

  /**
   * The CFS quota of a container: at most {@code limit} millicores of CPU time per 100 ms period for all its hogs
   * together; unlimited without a limit. Thread-safe.
   */
  static final class CpuQuota {
    private final long perPeriod;
    private long period;
    private long used;

    CpuQuota(long limitMillis) {
      this.perPeriod = limitMillis <= 0 ? Long.MAX_VALUE : PERIOD_NANOS * limitMillis / 1000;
    }

    /** How long to wait for the next period (0: there is quota left in this one). */
    synchronized long waitNanos() {
      roll();
      return used < perPeriod ? 0 : (period + 1) * PERIOD_NANOS - System.nanoTime();
    }

    /** Takes the CPU a slice may use now from this period's quota: at most 10 ms, at most what is left. */
    synchronized long reserve() {
      roll();
      long slice = Math.max(1_000_000, Math.min(SLICE_NANOS, perPeriod - used));
      used += slice;
      return slice;
    }

    /** The slice that reserved {@code reserved} used {@code actual}: the difference is counted in this period. */
    synchronized void settle(long reserved, long actual) {
      roll();
      used = Math.max(0, used + actual - reserved);
    }

    private void roll() {
      long now = System.nanoTime() / PERIOD_NANOS;
      if (now != period) {
        period = now;
        used = 0;
      }
    }
  }
}
