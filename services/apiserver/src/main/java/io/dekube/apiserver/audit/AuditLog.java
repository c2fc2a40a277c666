package io.dekube.apiserver.audit;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log backend of kube-apiserver's audit ({@code --audit-log-path}; {@code -} is stdout): one JSON
 * event per line, appended by one writer thread per file, so the event loops only queue. Like kube's
 * buffered backend it never blocks a request: when its queue of {@value #CAPACITY} events is full an
 * event is dropped and counted ({@code apiserver_audit_error_total{plugin="log"}}); written events
 * count in {@code apiserver_audit_event_total}. The apiserver instances of a process share one log
 * per path. No rotation ({@code --audit-log-maxsize} and friends are not built).
 */
public final class AuditLog {

  static final int CAPACITY = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final Map<String, AuditLog> OPEN = new ConcurrentHashMap<>();

  private final String path;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Counter written = Counter.builder("apiserver_audit_event")
      .description("Counter of audit events generated and sent to the audit backend.").register(Metrics.registry());
  private final Counter dropped = Counter.builder("apiserver_audit_error").tag("plugin", "log")
      .description("Counter of audit events that failed to be audited properly.").register(Metrics.registry());

  private AuditLog(String path) {
    this.path = path;
  }

  /** The log of {@code path} in this process, opened (its writer thread started) at the first call. */
  public static AuditLog of(String path) {
    return OPEN.computeIfAbsent(path, p -> {
      AuditLog log = new AuditLog(p);
      Thread t = new Thread(log::drain, "audit-log-writer");
      t.setDaemon(true);
      t.start();
      return log;
    });
  }

  /** Queues one event line (without its newline); never blocks. */
  void write(byte[] json) {
    if (!queue.offer(json)) {
      dropped.increment();
    }
  }

  private void drain() {
    try (OutputStream out = open()) {
      List<byte[]> batch = new ArrayList<>();
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch, 511);
        for (byte[] line : batch) {
          out.write(line);
          out.write('\n');
        }
        out.flush();
        written.increment(batch.size());
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("audit log {} cannot be written, audit events are dropped from now on: {}", path, e.toString());
      while (true) {
        try {
          queue.take();
          dropped.increment();
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private OutputStream open() throws IOException {
    if (path.equals("-")) {
      return new java.io.FilterOutputStream(System.out) {
        @Override
        public void close() {
          // stdout stays open
        }
      };
    }
    Path file = Path.of(path);
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    return new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
  }
}
