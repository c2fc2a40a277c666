package io.dekube.store.writer;

import io.dekube.core.bus.Topics;
import io.dekube.core.encryption.EncryptionConfig;
import io.dekube.core.encryption.StoreEncryption;
import io.dekube.core.model.ResourceType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owned partition of {@code dekube.requests}: its transactional producer
 * ({@code transactional.id = dekube-writer-<partition>}) and the committed state of the resources
 * whose requests it carries. Lifecycle: {@link Phase#INIT} (paused, no producer) → {@link Phase#REBUILDING}
 * (producer initialized, zombies fenced, state being read to the high watermark) → {@link Phase#READY}
 * (resumed, answering). A fatal producer error sends it back to INIT. Loop-thread confined.
 */
final class PartitionWriter {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionWriter.class);

  enum Phase { INIT, REBUILDING, READY }

  private final int partition;
  private final TopicPartition topicPartition;
  private final Map<String, ResourceState> states = new HashMap<>();
  private final RebuiltCreates rebuiltCreates = new RebuiltCreates();
  /** The encryption configuration the states were read with. */
  private EncryptionConfig encryption = StoreEncryption.config();
  /** The KMS providers' seed generation the state was read under ({@link EncryptionConfig#kmsGeneration}). */
  private long kmsGeneration = encryption.kmsGeneration();
  private Phase phase = Phase.INIT;
  private long resetAtPoll = -1;
  private long readsAnsweredUpTo = -1;
  private int abortStreak;
  private String lastAbort = "";
  private KafkaProducer<byte[], byte[]> producer;
  /** Writer rule 8: the next offset of each store partition this writer committed to last (topic → offset). */
  private final Map<String, Long> nextOffsets = new HashMap<>();

  PartitionWriter(int partition) {
    this.partition = partition;
    this.topicPartition = new TopicPartition(Topics.REQUESTS, partition);
  }

  int partition() {
    return partition;
  }

  TopicPartition topicPartition() {
    return topicPartition;
  }

  Phase phase() {
    return phase;
  }

  KafkaProducer<byte[], byte[]> producer() {
    return producer;
  }

  /**
   * Creates the producer and calls {@code initTransactions()}, which aborts a previous owner's open
   * transaction and fences it (writer rule 1). Blocks.
   */
  void initProducer(KafkaClients clients) {
    closeProducer(Duration.ZERO);
    KafkaProducer<byte[], byte[]> p = clients.producer(partition);
    try {
      p.initTransactions();
    } catch (RuntimeException e) {
      p.close(Duration.ZERO);
      throw e;
    }
    producer = p;
  }

  /** Starts a rebuild: forgets the state; the rebuilder fills {@link #newState} and calls {@link #ready}. */
  void rebuilding() {
    encryption = StoreEncryption.config();
    kmsGeneration = encryption.kmsGeneration();
    states.clear();
    rebuiltCreates.clear();
    phase = Phase.REBUILDING;
  }

  /**
   * After the encryption configuration was reloaded ({@code --encryption-provider-config-automatic-reload}): forgets
   * the state of each resource the old or the new configuration encrypts, so that its next request loads it again
   * with the new providers — what a new key reads is readable now, what the old first key wrote is stale now (an
   * unchanged update writes it again, as kube's storage re-reads etcd after its transformers changed). The same
   * when a KMS provider changed its seed (the plugin's key id changed, or it answered for the first time): what the
   * old key id wrote is stale now, and what could not be read while the plugin was down is read again. Returns
   * whether anything was forgotten.
   */
  boolean encryptionReloaded() {
    EncryptionConfig now = StoreEncryption.config();
    long generation = now.kmsGeneration();
    if (now == encryption && generation == kmsGeneration) {
      return false;
    }
    EncryptionConfig before = encryption;
    encryption = now;
    kmsGeneration = generation;
    return states.keySet().removeIf(r -> StoreEncryption.transformer(before, r) != null
        || StoreEncryption.transformer(now, r) != null);
  }

  /** An empty state for a resource being rebuilt (or loaded on demand). */
  ResourceState newState(ResourceType type) {
    ResourceState s = new ResourceState(type);
    states.put(type.resourceName(), s);
    return s;
  }

  /** Adds a state loaded on demand (a resource registered after the rebuild). */
  void putState(ResourceState state) {
    states.put(state.type().resourceName(), state);
  }

  void ready() {
    phase = Phase.READY;
  }

  /** The committed state of a resource, or null when this partition has not loaded it. */
  ResourceState state(ResourceType type) {
    return states.get(type.resourceName());
  }

  /** The creates the last rebuild read, by request id (to answer a create sent again after a lost outcome). */
  RebuiltCreates rebuiltCreates() {
    return rebuiltCreates;
  }

  int objects() {
    return states.values().stream().mapToInt(ResourceState::size).sum();
  }

  /**
   * After a fatal producer error: drop the producer and the state; the loop re-initializes (rule 4),
   * but only after a later poll has confirmed the partition is still ours ({@code poll} is the loop's
   * poll count now): a zombie that re-initialized at once would fence the partition's new owner.
   */
  void reset(long poll) {
    closeProducer(Duration.ZERO);
    states.clear();
    forgetOffsets();
    phase = Phase.INIT;
    resetAtPoll = poll;
  }

  /**
   * The offset after the last read-only batch answered without a transaction (its offsets are not
   * committed yet), or -1 when a transaction has committed since.
   */
  long readsAnsweredUpTo() {
    return readsAnsweredUpTo;
  }

  void readsAnsweredUpTo(long offset) {
    readsAnsweredUpTo = offset;
  }

  /** How many transactions of this partition aborted in a row (0 after a commit). */
  int abortStreak() {
    return abortStreak;
  }

  /** Why the last transaction aborted. */
  String lastAbort() {
    return lastAbort;
  }

  void aborted(String why) {
    forgetOffsets();
    abortStreak++;
    lastAbort = why;
  }

  void committed() {
    abortStreak = 0;
  }

  /**
   * Writer rule 8: the offset the next record of {@code storeTopic} (partition 0) will get, or -1 when
   * not known (before this writer's first commit to it, after an abort). This writer is the only
   * producer of the partition, so after a commit it is the last record's offset + 2 (its commit marker).
   */
  long nextOffset(String storeTopic) {
    return nextOffsets.getOrDefault(storeTopic, -1L);
  }

  /** After a commit whose last record in {@code storeTopic} has {@code lastOffset}. */
  void committedUpTo(String storeTopic, long lastOffset) {
    nextOffsets.put(storeTopic, lastOffset + 2);
  }

  /** Predictions are no longer trusted (an abort wrote a marker, a prediction missed). */
  void forgetOffsets() {
    nextOffsets.clear();
  }

  /** The loop's poll count when this writer was last reset (-1: never). */
  long resetAtPoll() {
    return resetAtPoll;
  }

  /** Closes the producer; {@code timeout} zero does not wait (and leaves any open transaction to be fenced). */
  void closeProducer(Duration timeout) {
    if (producer != null) {
      try {
        producer.close(timeout);
      } catch (RuntimeException e) {
        LOG.debug("closing producer of partition {}: {}", partition, e.toString());
      }
      producer = null;
    }
  }
}
