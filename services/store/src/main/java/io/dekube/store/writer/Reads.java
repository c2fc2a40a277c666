package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Get and list, served from the writer's current state, so they are linearizable with the writes:
 * a read sees every write answered before it. Loop-thread confined.
 */
final class Reads {

  Outcome get(ParsedRequest req, BatchOverlay view) {
    String key = WriteSupport.key(req, null);
    Versioned current = view.get(req.type(), key);
    if (current == null) {
      throw StatusException.notFound(req.type(), ObjectKey.parse(key).name());
    }
    current.requireReadable(); // now: the reply is built after the request's try
    return Outcome.ok(200, null, current::withRv);
  }

  /**
   * A {@code <Kind>List} of the namespace's objects ("" = all) filtered by the {@code labelSelector}
   * and {@code fieldSelector} options, with {@code metadata.resourceVersion} = the store's last offset.
   */
  Outcome list(ParsedRequest req, BatchOverlay view) {
    ResourceType type = req.type();
    ListFilter filter = ListFilter.of(req.envelope().options());
    List<Versioned> all = view.list(type, type.namespaced() ? req.namespace() : "");
    List<ObjectNode> trees = new ArrayList<>(all.size());
    List<Versioned> items = new ArrayList<>(all.size());
    for (Versioned v : all) {
      ObjectNode tree = v.copy(); // one parse of a stored object, for the filter and the reply
      if (filter.matches(tree)) {
        trees.add(tree);
        items.add(v);
      }
    }
    LongSupplier rv = view.lastOffset(type);
    return Outcome.ok(200, null, () -> {
      ObjectNode list = Json.object().put("apiVersion", type.apiVersion()).put("kind", type.kind() + "List");
      list.putObject("metadata").put("resourceVersion", Long.toString(Math.max(0, rv.getAsLong())));
      ArrayNode arr = list.putArray("items");
      for (int i = 0; i < items.size(); i++) {
        arr.add(Versioned.putRv(trees.get(i), items.get(i).rv())); // rv now: a write of this batch has it only now
      }
      return list;
    });
  }
}
