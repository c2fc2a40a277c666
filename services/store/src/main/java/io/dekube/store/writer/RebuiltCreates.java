package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The creates a rebuild found in the store topics, by the id of the request that made them (the
 * {@code dekube.request} header of each store record), the newest {@value #MAX} of a partition.
 *
 * <p>Why: a writer remembers the replies it committed ({@link RecentReplies}) to answer a client
 * that sends a request again with the same id. A writer that lost the outcome of a commit (the broker
 * froze and its commit timed out, yet the broker committed once thawed) starts its partition again
 * and forgets those replies, while the client, told "outcome unknown", sends the request again: a
 * create done a second time would store the object twice (seen in {@code BusFaultsE2E}). With this
 * memory such a create is answered 201 with the object the first one stored. Loop-thread confined.
 */
final class RebuiltCreates {

  static final int MAX = 10_000;

  /** A stored object (without resourceVersion) and its record's offset. */
  record Created(ObjectNode object, long rv) implements Versioned {
  }

  private final Map<String, Created> byRequest = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Created> eldest) {
      return size() > MAX;
    }
  };

  /** A store record read by the rebuild: the object its request stored at {@code offset}. */
  void stored(String requestId, ObjectNode object, long offset) {
    byRequest.putIfAbsent(requestId, new Created(object, offset));
  }

  /** What request {@code requestId} stored, when the rebuild saw it. */
  Created get(String requestId) {
    return byRequest.get(requestId);
  }

  void clear() {
    byRequest.clear();
  }
}
