package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's truncating backend ({@code --audit-<plugin>-truncate-enabled}): an event whose JSON is over
 * {@code maxEventSize} bytes loses its requestObject and responseObject (when its level recorded them) and is
 * annotated {@code audit.k8s.io/truncated: "true"}; one still too large is dropped (plugin {@code truncate},
 * "event is too large even after truncating"); the rest go on in batches of at most {@code maxBatchSize} bytes.
 * dekube truncates on the backend's thread, after batching, so a webhook batch over the size is split into
 * several POSTs (kube truncates before its buffer, where every call holds one event). Stateless.
 */
final class TruncatingBackend implements AuditBackend {

  private final AuditBackend delegate;
  private final AuditOptions.Truncate config;

  TruncatingBackend(AuditBackend delegate, AuditOptions.Truncate config) {
    this.delegate = delegate;
    this.config = config;
  }

  static AuditBackend wrap(AuditBackend delegate, AuditOptions.Truncate config) {
    return config.enabled() ? new TruncatingBackend(delegate, config) : delegate;
  }

  @Override
  public boolean process(List<ObjectNode> events) {
    boolean ok = true;
    List<ObjectNode> batch = new ArrayList<>();
    List<ObjectNode> tooLarge = new ArrayList<>();
    long batchSize = 0;
    for (ObjectNode event : events) {
      ObjectNode e = event;
      long size = size(e);
      if (size > config.maxEventSize() && !"Metadata".equals(e.path("level").asText())
          && !"None".equals(e.path("level").asText())) {
        e = truncate(e);
        size = size(e);
      }
      if (size > config.maxEventSize()) {
        tooLarge.add(e);
        continue;
      }
      if (!batch.isEmpty() && batchSize + size > config.maxBatchSize()) {
        ok = delegate.process(batch) && ok;
        batch = new ArrayList<>();
        batchSize = 0;
      }
      batchSize += size;
      batch.add(e);
    }
    if (!batch.isEmpty()) {
      ok = delegate.process(batch) && ok;
    }
    if (!tooLarge.isEmpty()) {
      AuditMetrics.error("truncate", "event is too large even after truncating", tooLarge);
    }
    return ok;
  }

  /** The event's size as kube measures it: its JSON encoding with the encoder's newline. */
  static long size(ObjectNode e) {
    try {
      return Json.MAPPER.writeValueAsBytes(e).length + 1L;
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static ObjectNode truncate(ObjectNode e) {
    ObjectNode copy = e.deepCopy();
    copy.remove("requestObject");
    copy.remove("responseObject");
    ObjectNode annotations = copy.path("annotations").isObject() ? (ObjectNode) copy.get("annotations")
        : copy.putObject("annotations");
    annotations.put("audit.k8s.io/truncated", "true");
    // kube's JSON writes the map in key order
    AuditEvents.annotate(copy, java.util.Map.of());
    return copy;
  }

  @Override
  public String name() {
    return delegate.name();
  }
}
