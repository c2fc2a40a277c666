package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.ServerSideApply;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;

/**
 * The values written to {@code dekube.ingest.results} ({@code bus-schemas/schemas/ingest-result.json}):
 * one per document, the applied object's reference and what happened, or the error as a Status. Pure.
 */
final class IngestResults {

  private IngestResults() {
  }

  /**
   * Where an ingest record came from, and how many documents it has.
   *
   * @param key       the record's key ("" when none)
   * @param topic     its topic
   * @param partition its partition
   * @param offset    its offset
   */
  record Source(String key, String topic, int partition, long offset) {
  }

  static ObjectNode applied(Source s, int index, int documents, ServerSideApply.Applied a) {
    ObjectNode r = base(s, index, documents, true);
    ObjectNode obj = a.after();
    ObjectNode meta = (ObjectNode) obj.path("metadata");
    ObjectNode ref = r.putObject("object");
    ref.put("apiVersion", obj.path("apiVersion").asText()).put("kind", obj.path("kind").asText());
    if (!meta.path("namespace").asText("").isEmpty()) {
      ref.put("namespace", meta.path("namespace").asText());
    }
    ref.put("name", meta.path("name").asText());
    if (meta.hasNonNull("uid")) {
      ref.put("uid", meta.path("uid").asText());
    }
    ref.put("resourceVersion", meta.path("resourceVersion").asText());
    ref.put("action", a.action());
    return r;
  }

  static ObjectNode failed(Source s, int index, int documents, Throwable error) {
    StatusException e = error instanceof StatusException se ? se
        : StatusException.internal(error.getMessage() == null ? error.toString() : error.getMessage());
    ObjectNode r = base(s, index, documents, false);
    r.set("error", e.toStatus());
    return r;
  }

  private static ObjectNode base(Source s, int index, int documents, boolean ok) {
    ObjectNode r = Json.object();
    r.put("index", index).put("documents", documents).put("key", s.key());
    r.putObject("source").put("topic", s.topic()).put("partition", s.partition()).put("offset", s.offset());
    r.put("ok", ok);
    return r;
  }
}
