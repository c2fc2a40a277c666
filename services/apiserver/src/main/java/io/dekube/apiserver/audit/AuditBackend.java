package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One audit backend as kube's {@code audit.Backend}: the log file, the webhook, the truncating wrapper. Called by
 * one {@link BufferedSink} thread (the webhook's batches from a few sender threads), never on an event loop.
 */
interface AuditBackend {

  /** Stores the events; false when some could not be (already counted in {@code apiserver_audit_error_total}). */
  boolean process(List<ObjectNode> events);

  /** The plugin name kube's metrics and logs use: {@code log}, {@code webhook}. */
  String name();
}
