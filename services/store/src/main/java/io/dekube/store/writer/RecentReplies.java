package io.dekube.store.writer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first reply of recent requests, by request id (writer rule 5): a retry with the same id is
 * answered with it instead of being executed again. Bounded by count and bytes, oldest out first;
 * only committed replies go in. Loop-thread confined.
 */
final class RecentReplies {

  /** A remembered reply: who asked, and the reply record's value. */
  record Entry(String requester, byte[] reply) {
  }

  private final int maxEntries;
  private final long maxBytes;
  private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
  private long bytes;

  RecentReplies(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  Entry get(String requestId) {
    return byId.get(requestId);
  }

  void put(String requestId, String requester, byte[] reply) {
    Entry old = byId.put(requestId, new Entry(requester, reply));
    if (old != null) {
      bytes -= old.reply().length;
    }
    bytes += reply.length;
    Iterator<Map.Entry<String, Entry>> it = byId.entrySet().iterator();
    while ((byId.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
      bytes -= it.next().getValue().reply().length;
      it.remove();
    }
  }

  int size() {
    return byId.size();
  }
}
