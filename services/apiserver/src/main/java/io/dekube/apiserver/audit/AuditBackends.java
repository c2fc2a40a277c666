package io.dekube.apiserver.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code AuditOptions.ApplyTo}: the backends of the options — the log ({@code --audit-log-path}) and the
 * webhook ({@code --audit-webhook-config-file}), each truncated when asked, behind its mode's queue, both as one
 * sink. One sink per options in a process: the apiserver instances of {@code dekube up} share the log file (one
 * writer rotates it). Thread-safe.
 */
public final class AuditBackends {

  private static final Map<AuditOptions, AuditSink> OPEN = new ConcurrentHashMap<>();
  private static final List<BufferedSink> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(AuditBackends::shutdown, "audit-shutdown"));
  }

  private AuditBackends() {
  }

  /**
   * The sink of {@code options} in this process, its threads started at the first call; null when no backend is
   * set. Throws IllegalArgumentException in kube's words when the options are invalid or the webhook's kubeconfig
   * cannot be read.
   */
  public static AuditSink open(AuditOptions options) {
    List<String> errors = options.validate();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    if (options.log().path() == null && options.webhook().configFile() == null) {
      return null;
    }
    return OPEN.computeIfAbsent(options, AuditBackends::start);
  }

  private static AuditSink start(AuditOptions options) {
    List<AuditSink> sinks = new ArrayList<>();
    AuditOptions.Webhook webhook = options.webhook();
    // the webhook's kubeconfig is read first: a bad one stops the start before the log's thread exists
    AuditBackend remote = webhook.configFile() == null ? null
        : WebhookBackend.load(webhook.configFile(), webhook.initialBackoff());
    AuditOptions.Log log = options.log();
    if (log.path() != null) {
      sinks.add(new BufferedSink(TruncatingBackend.wrap(new LogBackend(log, Clock.systemUTC()), log.truncate()),
          log.batch(), 512, false));
    }
    if (remote != null) {
      sinks.add(new BufferedSink(TruncatingBackend.wrap(remote, webhook.truncate()), webhook.batch(), 1, true));
    }
    sinks.forEach(s -> STARTED.add((BufferedSink) s));
    return AuditSink.union(sinks);
  }

  /**
   * The process stops: every backend sends what it still holds at once, and the stop waits for all of it, as
   * kube-apiserver's stop waits for its audit backends' {@code Shutdown} — a webhook's retries included (at most its
   * five attempts and their back-off).
   */
  static void shutdown() {
    STARTED.forEach(BufferedSink::flush); // every one starts sending now
    for (BufferedSink s : STARTED) {
      try {
        s.shutdown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
