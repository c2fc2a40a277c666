package io.dekube.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link EmbeddedKafkaProcess} running: notices the child's exit at once
 * ({@code Process.onExit}), logs one line with its exit code and the end of its log, and starts it
 * again on the same data directory and port after a back-off that doubles with each recent failure.
 * When the broker failed more than {@link Policy#maxFailures} times within {@link Policy#window},
 * it stops trying and hands a message that says what to look at to the give-up callback (the
 * launcher then stops). A port taken at start is named with the process holding it when
 * {@code /proc} tells.
 *
 * <p>Restarts run on one daemon thread of their own; {@link #close()} stops the child and
 * supervision. Thread-safe.
 */
public final class BrokerSupervisor implements AutoCloseable {

  /**
   * When to give up.
   *
   * @param maxFailures  failures (exits or failed starts) tolerated within {@code window}
   * @param window       the span failures are counted in
   * @param firstBackoff the wait before the second restart within the window; doubles per further
   *                     failure (the first restart is immediate: a broker killed once, by the OOM
   *                     killer or a user, is back as soon as it can start)
   * @param maxBackoff   the longest wait
   */
  public record Policy(int maxFailures, Duration window, Duration firstBackoff, Duration maxBackoff) {
    /** 5 failures within 2 minutes; restarts at once, then after 1 s, 2 s, 4 s, 8 s. */
    public static final Policy DEFAULT = new Policy(5, Duration.ofMinutes(2), Duration.ofSeconds(1),
        Duration.ofSeconds(8));

    /** The wait before restarting after the {@code n}th failure within the window (n &ge; 1). */
    long backoffMillis(int n) {
      return n <= 1 ? 0 : Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(20, n - 2));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(BrokerSupervisor.class);
  private static final int LOG_LINES = 15;

  private final EmbeddedKafkaProcess.Builder builder;
  private final Policy policy;
  private final Consumer<String> onGiveUp;
  private final String host;
  private final ExecutorService restarts = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dekube-kafka-supervisor");
    t.setDaemon(true);
    return t;
  });
  private final Deque<Long> failures = new ArrayDeque<>();
  private volatile EmbeddedKafkaProcess current;
  private volatile boolean closed;
  private int restartCount;

  private BrokerSupervisor(EmbeddedKafkaProcess.Builder builder, String host, Policy policy,
                           Consumer<String> onGiveUp) {
    this.builder = builder;
    this.host = host;
    this.policy = policy;
    this.onGiveUp = onGiveUp;
  }

  /**
   * Starts the broker (blocking) and supervises it.
   *
   * @param builder  how to start the child; its port is fixed to the one first bound so restarts reuse it
   * @param host     the host the builder listens on (to check and name a taken port)
   * @param port     the builder's port (0: a free one, chosen by the child at first start)
   * @param policy   when to give up
   * @param onGiveUp called once, on the supervisor thread, with the message to show, after giving up
   * @throws IllegalStateException when the port is taken or the first start fails
   */
  public static BrokerSupervisor start(EmbeddedKafkaProcess.Builder builder, String host, int port, Policy policy,
                                       Consumer<String> onGiveUp) {
    String taken = PortHolder.taken(host, port);
    if (taken != null) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + taken
          + "; stop that process or choose another port with --kafka-port");
    }
    BrokerSupervisor s = new BrokerSupervisor(builder, host, Objects.requireNonNull(policy), onGiveUp);
    EmbeddedKafkaProcess first = builder.start();
    String bootstrap = first.bootstrapServers();
    builder.port(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
    s.watch(first);
    return s;
  }

  /** {@code host:port} of the broker (the same across restarts). */
  public String bootstrapServers() {
    return current.bootstrapServers();
  }

  /** The running child (a new one after each restart). */
  public EmbeddedKafkaProcess process() {
    return current;
  }

  /** How many times the broker was started again. */
  public synchronized int restarts() {
    return restartCount;
  }

  private void watch(EmbeddedKafkaProcess p) {
    current = p;
    p.onExit().thenAcceptAsync(code -> exited(p, code), restarts);
  }

  private void exited(EmbeddedKafkaProcess p, int code) {
    if (closed) {
      return;
    }
    p.close(); // dead already: drops its shutdown hook
    LOG.error("the Kafka broker (pid {}) exited with code {}; last lines of {}:\n{}", p.pid(), code, p.logFile(),
        indent(p.logTail(LOG_LINES)));
    failedThenRetry("exited with code " + code, p.logTail(LOG_LINES), p.logFile().toString());
  }

  /** Counts a failure; gives up past the budget, else waits the back-off and starts the broker again. */
  private void failedThenRetry(String what, String logTail, String logFile) {
    long now = System.nanoTime();
    failures.addLast(now);
    while (!failures.isEmpty() && now - failures.peekFirst() > policy.window().toNanos()) {
      failures.removeFirst();
    }
    if (failures.size() > policy.maxFailures()) {
      giveUp(what, logTail, logFile);
      return;
    }
    long backoff = policy.backoffMillis(failures.size());
    LOG.warn("restarting the Kafka broker in {} ms (failure {} of {} allowed within {} s)", backoff, failures.size(),
        policy.maxFailures(), policy.window().toSeconds());
    sleep(backoff);
    if (closed) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      String taken = PortHolder.taken(host, builder.port());
      if (taken != null) {
        throw new IllegalStateException(taken);
      }
      EmbeddedKafkaProcess p = builder.start();
      synchronized (this) {
        restartCount++;
      }
      LOG.info("the Kafka broker is back (pid {}) on {} after a restart in {} ms", p.pid(), p.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (closed) {
        p.close();
        return;
      }
      watch(p);
    } catch (RuntimeException e) {
      LOG.error("the Kafka broker did not start again: {}", firstLine(e.getMessage()));
      failedThenRetry("did not start again: " + firstLine(e.getMessage()), tailOf(e.getMessage()), logFile);
    }
  }

  private void giveUp(String what, String logTail, String logFile) {
    String message = "the embedded Kafka broker failed " + failures.size() + " times within "
        + policy.window().toSeconds() + " s (last: " + what + "); dekube stops. Look at " + logFile
        + " (last lines below) and at the broker's data directory (disk space, permissions, a damaged log);"
        + " to start afresh, move the data directory away.\n" + indent(logTail);
    LOG.error(message);
    closed = true;
    if (onGiveUp != null) {
      onGiveUp.accept(message);
    }
  }

  /** Stops supervising and stops the child (SIGTERM, then SIGKILL after its stop timeout). Idempotent. */
  @Override
  public void close() {
    closed = true;
    restarts.shutdownNow();
    EmbeddedKafkaProcess p = current;
    if (p != null) {
      p.close();
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms); // the supervisor's own thread, waiting out the back-off
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String tailOf(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return nl < 0 ? "" : s.substring(nl + 1);
  }

  private static String indent(String lines) {
    return lines.isEmpty() ? "" : "    " + lines.replace("\n", "\n    ");
  }
}
