package io.dekube.core.bus;

import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka bus answers, for one process: a probe on its own daemon thread (never an event
 * loop) connects to the bootstrap address (a refused connection is a dead broker at once) and asks
 * an Admin {@code describeCluster} with a short timeout (a frozen broker accepts connections but
 * does not answer). Clients that see an error call {@link #suspect} to probe at once. It logs one
 * line when the bus is lost and one when it is back, and tells {@link Listener}s.
 *
 * <p>One monitor per bootstrap address and process: {@link #start} creates it (or returns the
 * running one), {@link #find} is how {@code StoreClient}, informers and the apiserver reach it;
 * without a monitor they behave as if the bus were always up. Thread-safe; listeners run on the
 * probe thread and must not block.
 */
public final class BusMonitor implements AutoCloseable {

  /** Told on the probe thread when the bus is lost and when it is back; must not block. */
  public interface Listener {
    /** The bus stopped answering. */
    void onLost(String reason);

    /** The bus answers again. */
    void onBack();
  }

  /**
   * Tuning.
   *
   * @param interval     time between probes while the bus is lost (how soon its return is seen)
   * @param upInterval   time between probes while it answers; a client that sees an error calls
   *                     {@link #suspect()}, which probes at once, so this only bounds how late a
   *                     loss is noticed when nothing uses the bus
   * @param probeTimeout how long one describeCluster may take before the bus counts as lost
   */
  public record Options(Duration interval, Duration upInterval, Duration probeTimeout) {
    /**
     * 250 ms between probes while lost, 2 s while up (each probe is a request to the broker: at
     * 250 ms, with a TCP connect each time, they were a visible share of an idle broker's CPU), 2 s
     * for one answer.
     */
    public static final Options DEFAULT = new Options(Duration.ofMillis(250), Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  private static final Logger LOG = LoggerFactory.getLogger(BusMonitor.class);
  private static final long PROBE_SLICE_MS = 200;
  private static final Map<String, BusMonitor> RUNNING = new ConcurrentHashMap<>();

  private final String bootstrap;
  private final Options options;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean up = true;
  private volatile String failure;
  private volatile long lostAtMillis;
  private volatile boolean closed;
  private Admin admin;

  private BusMonitor(String bootstrap, Options options) {
    this.bootstrap = bootstrap;
    this.options = options;
    this.thread = new Thread(this::run, "dekube-bus-monitor");
    this.thread.setDaemon(true);
  }

  /** Starts the monitor of {@code bootstrap} in this process, or returns the one running. */
  public static BusMonitor start(String bootstrap) {
    return start(bootstrap, Options.DEFAULT);
  }

  /** Starts the monitor of {@code bootstrap} with other tuning, or returns the one running. */
  public static synchronized BusMonitor start(String bootstrap, Options options) {
    BusMonitor m = RUNNING.get(bootstrap);
    if (m == null) {
      m = new BusMonitor(bootstrap, options);
      RUNNING.put(bootstrap, m);
      m.thread.start();
    }
    return m;
  }

  /** The running monitor of {@code bootstrap}, or null when none runs in this process. */
  public static BusMonitor find(String bootstrap) {
    return RUNNING.get(bootstrap);
  }

  /** The bootstrap address watched. */
  public String bootstrap() {
    return bootstrap;
  }

  /** Whether the last probe got an answer. */
  public boolean up() {
    return up;
  }

  /** Null while the bus answers, else why not (for {@code /readyz}). */
  public String failure() {
    return up ? null : failure;
  }

  /** Adds a listener; it learns of later changes only. */
  public void addListener(Listener l) {
    listeners.add(l);
  }

  /** Removes a listener. */
  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  /** A client saw an error talking to the bus: probe now instead of at the next interval. Any thread. */
  public void suspect() {
    wake.release();
  }

  /**
   * 503 ServiceUnavailable with a {@code Retry-After} of one second: what a request that needs the
   * bus gets while it is down.
   */
  public StatusException unavailable() {
    ObjectNode details = Json.object();
    details.put("retryAfterSeconds", 1);
    String why = failure;
    return new StatusException(503, "ServiceUnavailable", "the store is unavailable: the Kafka bus at " + bootstrap
        + " does not answer" + (why == null ? "" : " (" + why + ")") + "; retry later", details);
  }

  /**
   * 504 Timeout for a request that was in flight when the bus was lost: it may or may not have been
   * applied, as kube-apiserver words a storage request that did not finish.
   */
  public StatusException outcomeUnknown(String what) {
    ObjectNode details = Json.object();
    details.put("retryAfterSeconds", 1);
    return new StatusException(504, "Timeout", "Timeout: request did not complete within requested timeout - the"
        + " Kafka bus at " + bootstrap + " was lost while " + what + " was in flight; it may or may not have been"
        + " applied", details);
  }

  /** Stops probing. Idempotent. */
  @Override
  public void close() {
    closed = true;
    RUNNING.remove(bootstrap, this);
    wake.release();
  }

  private void run() {
    try {
      while (!closed) {
        String problem = probe();
        if (closed) {
          break;
        }
        if (problem == null) {
          back();
        } else {
          lost(problem);
        }
        wake.tryAcquire((up ? options.upInterval() : options.interval()).toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (admin != null) {
        admin.close(Duration.ZERO);
      }
    }
  }

  /**
   * Null when the bus answered, else what went wrong. While describeCluster waits, the TCP check runs
   * again every slice, so a broker that dies mid-probe is noticed at once, not after the timeout.
   */
  private String probe() {
    // while lost, a refused connection answers at once; while up, the slices below notice a death
    String refused = up ? null : connect();
    if (refused != null) {
      return refused;
    }
    long timeout = options.probeTimeout().toMillis();
    var nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout)).nodes();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout + 500);
    try {
      while (true) {
        try {
          return nodes.get(PROBE_SLICE_MS, TimeUnit.MILLISECONDS).isEmpty() ? "no broker in the cluster metadata" : null;
        } catch (java.util.concurrent.TimeoutException slice) {
          refused = closed ? null : connect();
          if (refused != null || closed) {
            return refused;
          }
          if (System.nanoTime() > deadline) {
            return "no answer within " + timeout + " ms";
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return null;
    } catch (ExecutionException e) {
      return "no answer within " + timeout + " ms (" + e.getCause().getClass().getSimpleName() + ")";
    }
  }

  /** Null when a TCP connection to some bootstrap address opens, else why none did. */
  private String connect() {
    String last = null;
    for (String hostPort : bootstrap.split(",")) {
      int colon = hostPort.lastIndexOf(':');
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hostPort.substring(0, colon).trim(),
            Integer.parseInt(hostPort.substring(colon + 1).trim())), 1000);
        return null;
      } catch (IOException | RuntimeException e) {
        last = "cannot connect to " + hostPort.trim() + ": " + e.getMessage();
      }
    }
    return last;
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> c = KafkaClientConfigs.base(bootstrap);
      c.put(AdminClientConfig.CLIENT_ID_CONFIG, "dekube-bus-monitor");
      c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) options.probeTimeout().toMillis());
      c.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
      c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250);
      admin = Admin.create(c);
    }
    return admin;
  }

  private void lost(String problem) {
    failure = "Kafka at " + bootstrap + ": " + problem;
    if (!up) {
      return;
    }
    lostAtMillis = System.currentTimeMillis();
    up = false;
    LOG.error("bus lost: Kafka at {} does not answer ({}); writes and consistent reads answer 503 until it is back",
        bootstrap, problem);
    listeners.forEach(l -> tell(() -> l.onLost(problem)));
  }

  private void back() {
    if (up) {
      return;
    }
    up = true;
    LOG.info("bus back: Kafka at {} answers again after {} s", bootstrap,
        Duration.between(Instant.ofEpochMilli(lostAtMillis), Instant.now()).toSeconds());
    listeners.forEach(l -> tell(l::onBack));
  }

  private static void tell(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("bus monitor listener failed", e);
    }
  }
}
