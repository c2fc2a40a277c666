package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the audit filter hands its events: one backend's queue ({@link BufferedSink}) or the union of the log and
 * the webhook, as kube's {@code audit.Union}. Called on event loops; never blocks. An event handed over is not
 * changed afterwards (the backends read it on their own threads).
 */
public interface AuditSink {

  /** Hands one event over; a full queue drops it and counts it in {@code apiserver_audit_error_total}. */
  void process(ObjectNode event);

  /**
   * Hands one event over and completes once the {@code blocking-strict} backends have stored it (true) or failed
   * to (false); at once true when no backend is strict. Completes on a backend's thread.
   */
  CompletionStage<Boolean> processAndWait(ObjectNode event);

  /** Whether a request waits for its RequestReceived event ({@code blocking-strict}). */
  boolean strict();

  /** The sinks together: every event goes to each. */
  static AuditSink union(List<AuditSink> sinks) {
    if (sinks.size() == 1) {
      return sinks.get(0);
    }
    return new AuditSink() {
      @Override
      public void process(ObjectNode event) {
        sinks.forEach(s -> s.process(event));
      }

      @Override
      public CompletionStage<Boolean> processAndWait(ObjectNode event) {
        CompletableFuture<Boolean> all = CompletableFuture.completedFuture(true);
        for (AuditSink s : sinks) {
          all = all.thenCombine(s.processAndWait(event), Boolean::logicalAnd);
        }
        return all;
      }

      @Override
      public boolean strict() {
        return sinks.stream().anyMatch(AuditSink::strict);
      }
    };
  }
}
