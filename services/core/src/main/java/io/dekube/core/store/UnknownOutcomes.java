package io.dekube.core.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The requests a {@link StoreClient} failed with 504 because the bus was lost while they were in
 * flight, kept (the newest {@value #MAX}) so they can be sent again with their ids when the bus is
 * back. Thread-safe.
 */
final class UnknownOutcomes {

  static final int MAX = 10_000;

  private final LinkedHashMap<String, ProducerRecord<byte[], byte[]>> byId = new LinkedHashMap<>();

  synchronized void add(String id, ProducerRecord<byte[], byte[]> record) {
    byId.put(id, record);
    while (byId.size() > MAX) {
      byId.remove(byId.keySet().iterator().next());
    }
  }

  /** Every request kept, oldest first; forgets them. */
  synchronized List<Map.Entry<String, ProducerRecord<byte[], byte[]>>> drain() {
    List<Map.Entry<String, ProducerRecord<byte[], byte[]>>> all = new ArrayList<>(byId.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue())).toList());
    byId.clear();
    return all;
  }
}
