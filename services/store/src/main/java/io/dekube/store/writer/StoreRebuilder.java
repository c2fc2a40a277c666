package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.StoreMarker;
import io.dekube.core.encryption.StoreEncryption;
import io.dekube.core.encryption.ValueTransformer;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the committed state of a partition's resources from their store topics, up to the
 * <b>high watermark</b> taken after the partition's producer fenced the previous owner (writer rule
 * 2: the last stable offset would miss commits queued behind an open transaction). Reads with a
 * {@code read_committed} consumer until its position reaches the high watermark (aborted records and
 * transaction markers make the position jump). Incremental: {@link #step} reads one poll's worth, so
 * the loop keeps polling the group between steps (writer rule 3). Creates missing store topics.
 * Loop-thread confined.
 */
final class StoreRebuilder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreRebuilder.class);

  private record Target(PartitionWriter writer, ResourceState state, long highWatermark) {
  }

  private final KafkaClients clients;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> reader;
  private final TopicCatalog catalog = TopicCatalog.load();
  private final Set<String> knownTopics = new HashSet<>();
  private final Map<TopicPartition, Target> targets = new HashMap<>();
  private final Map<PartitionWriter, Long> rebuilding = new LinkedHashMap<>();

  StoreRebuilder(KafkaClients clients, Admin admin) {
    this.clients = clients;
    this.admin = admin;
    this.reader = clients.storeReader("rebuild");
  }

  /** Starts rebuilding {@code writer}'s state for {@code types}. Blocks for the Admin calls. */
  void start(PartitionWriter writer, Collection<ResourceType> types) throws ExecutionException, InterruptedException {
    writer.rebuilding();
    ensureTopics(types);
    Map<TopicPartition, Long> hws = highWatermarks(types);
    List<TopicPartition> fresh = new ArrayList<>();
    for (ResourceType t : types) {
      ResourceState state = writer.newState(t);
      TopicPartition tp = storePartition(t);
      long hw = hws.getOrDefault(tp, 0L);
      if (hw > 0) {
        targets.put(tp, new Target(writer, state, hw));
        fresh.add(tp);
      }
    }
    if (!fresh.isEmpty()) {
      reader.assign(targets.keySet());
      reader.seekToBeginning(fresh);
    }
    rebuilding.put(writer, System.nanoTime());
  }

  /** Whether any rebuild is in progress. */
  boolean active() {
    return !rebuilding.isEmpty();
  }

  /** Reads one poll (at most {@code timeout}); answers the writers whose state is now complete. */
  List<PartitionWriter> step(Duration timeout) {
    if (!targets.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> r : reader.poll(timeout)) {
        Target t = targets.get(new TopicPartition(r.topic(), r.partition()));
        if (t != null) {
          ObjectNode stored = apply(t.state(), r);
          org.apache.kafka.common.header.Header request = r.headers().lastHeader(BatchCommitter.REQUEST_HEADER);
          if (stored != null && request != null) {
            t.writer().rebuiltCreates().stored(new String(request.value(), StandardCharsets.UTF_8), stored, r.offset());
          }
        }
      }
      boolean changed = false;
      for (Iterator<Map.Entry<TopicPartition, Target>> it = targets.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<TopicPartition, Target> e = it.next();
        if (reader.position(e.getKey()) >= e.getValue().highWatermark()) {
          e.getValue().state().advanceTo(e.getValue().highWatermark() - 1);
          it.remove();
          changed = true;
        }
      }
      if (changed) {
        reader.assign(targets.keySet());
      }
    }
    return finished();
  }

  private List<PartitionWriter> finished() {
    List<PartitionWriter> done = new ArrayList<>();
    for (Iterator<Map.Entry<PartitionWriter, Long>> it = rebuilding.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<PartitionWriter, Long> e = it.next();
      PartitionWriter w = e.getKey();
      if (targets.values().stream().noneMatch(t -> t.writer() == w)) {
        it.remove();
        done.add(w);
        LOG.info("rebuilt request partition {}: {} objects in {} ms", w.partition(), w.objects(),
            (System.nanoTime() - e.getValue()) / 1_000_000);
      } else if (System.nanoTime() - e.getValue() > Duration.ofSeconds(30).toNanos()) {
        LOG.warn("rebuild of request partition {} still reading after 30 s", w.partition());
        e.setValue(System.nanoTime());
      }
    }
    return done;
  }

  /** Stops rebuilding {@code writer} (its partition was revoked or lost). */
  void cancel(PartitionWriter writer) {
    if (rebuilding.remove(writer) != null) {
      targets.values().removeIf(t -> t.writer() == writer);
      reader.assign(targets.keySet());
    }
  }

  /**
   * Loads one resource's state synchronously into {@code writer} (a resource registered after the
   * partition was rebuilt, e.g. a new CRD). Blocks until the store topic is read to its high watermark.
   */
  ResourceState loadNow(PartitionWriter writer, ResourceType type) throws ExecutionException, InterruptedException {
    ensureTopics(List.of(type));
    TopicPartition tp = storePartition(type);
    long hw = highWatermarks(List.of(type)).getOrDefault(tp, 0L);
    ResourceState state = new ResourceState(type);
    if (hw > 0) {
      try (KafkaConsumer<byte[], byte[]> c = clients.storeReader("load-" + type.resourceName())) {
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.position(tp) < hw) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cannot read " + tp + " to offset " + hw + " within 30 s");
          }
          c.poll(Duration.ofMillis(100)).forEach(r -> apply(state, r));
        }
      }
      state.advanceTo(hw - 1);
    }
    writer.putState(state);
    LOG.info("loaded {} for request partition {}: {} objects", type.resourceName(), writer.partition(), state.size());
    return state;
  }

  /** Applies one store record to {@code state}; the object it stores, or null (tombstone, marker, unreadable). */
  private static ObjectNode apply(ResourceState state, ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null || StoreMarker.isMarker(r.key())) {
      state.advanceTo(r.offset());
      return null;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      state.apply(key, null, r.offset());
      return null;
    }
    byte[] value;
    boolean stale;
    String resource = state.type().resourceName();
    try {
      ValueTransformer.Read read = StoreEncryption.read(StoreEncryption.transformer(resource), resource, key, r.value());
      value = read.data();
      stale = read.stale();
    } catch (ValueTransformer.TransformException e) {
      // debug: the history of a key is read too, and its latest record may be readable; a request for the key
      // answers the error, and the informers of every process warn about it
      LOG.debug("unable to transform key \"{}\" ({}@{}): {}", StoreEncryption.path(resource, key), r.topic(),
          r.offset(), e.getMessage());
      state.apply(key, StoredObject.unreadable(e.getMessage(), r.offset()));
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(value);
      if (n instanceof ObjectNode o) {
        boolean hadRv = Json.metadata(o).remove("resourceVersion") != null; // the writer never stores one
        byte[] json = hadRv ? Json.MAPPER.writeValueAsBytes(o) : value;
        state.apply(key, stale ? StoredObject.stale(json, r.offset()) : new StoredObject(json, r.offset()));
        return o;
      }
    } catch (Exception e) {
      // fall through
    }
    LOG.warn("unreadable store record {}-{}@{} (key {}) skipped", r.topic(), r.partition(), r.offset(), key);
    state.advanceTo(r.offset());
    return null;
  }

  private static TopicPartition storePartition(ResourceType t) {
    return new TopicPartition(t.storeTopic(), 0);
  }

  private void ensureTopics(Collection<ResourceType> types) throws ExecutionException, InterruptedException {
    if (types.stream().allMatch(t -> knownTopics.contains(t.storeTopic()))) {
      return;
    }
    catalog.ensureTopics(clients.bootstrapServers(), admin, types, (short) -1);
    types.forEach(t -> knownTopics.add(t.storeTopic()));
  }

  private Map<TopicPartition, Long> highWatermarks(Collection<ResourceType> types)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    types.forEach(t -> request.put(storePartition(t), OffsetSpec.latest()));
    Map<TopicPartition, Long> hws = new HashMap<>();
    admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get()
        .forEach((tp, info) -> hws.put(tp, info.offset()));
    return hws;
  }

  @Override
  public void close() {
    reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
  }
}
