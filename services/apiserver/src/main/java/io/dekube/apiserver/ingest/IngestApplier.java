package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.FieldValidation;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.rest.ServerSideApply;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the text of one ingest record as {@code kubectl apply --server-side --force-conflicts
 * --field-manager=dekube-ingest} would: each document (and each item of a {@code kind: List}) in
 * order, through the REST layer's {@link ServerSideApply}; a document that cannot be read or
 * applied gets its error and the others are still applied. Runs on a Vert.x context.
 */
final class IngestApplier {

  /** The field manager of ingested writes. */
  static final String FIELD_MANAGER = "dekube-ingest";

  private final ResourceRegistry registry;
  private final Codecs codecs;
  private final ServerSideApply applies;

  IngestApplier(ResourceRegistry registry, Codecs codecs, ServerSideApply applies) {
    this.registry = registry;
    this.codecs = codecs;
    this.applies = applies;
  }

  /** One object to apply, or why a document could not be read. */
  private record Entry(ObjectNode object, RuntimeException error) {
  }

  /** The results of every document of {@code text}, in order (never empty). */
  Future<List<ObjectNode>> apply(IngestResults.Source source, String text) {
    List<Entry> entries = text == null ? List.of() : entries(text);
    if (entries.isEmpty()) {
      entries = List.of(new Entry(null, StatusException.badRequest("no objects passed to apply")));
    }
    List<ObjectNode> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < entries.size(); i++) {
      int index = i;
      Entry e = entries.get(i);
      int total = entries.size();
      chain = chain.compose(v -> applyOne(e).transform(ar -> {
        results.add(ar.succeeded() ? IngestResults.applied(source, index, total, ar.result())
            : IngestResults.failed(source, index, total, ar.cause()));
        return Future.succeededFuture();
      }));
    }
    return chain.map(v -> results);
  }

  private Future<ServerSideApply.Applied> applyOne(Entry e) {
    if (e.error() != null) {
      return Future.failedFuture(e.error());
    }
    try {
      IngestTarget t = IngestTarget.of(e.object(), registry, codecs);
      WriteOptions o = WriteOptions.none().withFieldManager(FIELD_MANAGER).withForce(true)
          .withFieldValidation(FieldValidation.STRICT.wire()).withApiVersion(t.apiVersion());
      return t.remote() ? applies.applyIn(codecs, t.type(), t.namespace(), t.name(), t.object(), t.apiVersion(), o)
          : applies.apply(codecs, t.type(), t.namespace(), t.name(), t.object(), o);
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
  }

  private List<Entry> entries(String text) {
    List<Entry> entries = new ArrayList<>();
    for (String doc : IngestDocuments.split(text)) {
      try {
        JsonNode node = codecs.decoder().decodePatch(MediaTypes.APPLY_PATCH, doc.getBytes(StandardCharsets.UTF_8));
        if (node.path("kind").asText("").endsWith("List") && node.path("items").isArray()) {
          for (JsonNode item : node.path("items")) {
            entries.add(item instanceof ObjectNode o ? new Entry(o, null)
                : new Entry(null, StatusException.badRequest("an item of a List is not an object")));
          }
        } else {
          entries.add(new Entry((ObjectNode) node, null));
        }
      } catch (RuntimeException ex) {
        entries.add(new Entry(null, ex instanceof StatusException se ? se
            : StatusException.badRequest("error parsing the document: " + ex.getMessage())));
      }
    }
    return entries;
  }
}
