package io.dekube.store.writer;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of a {@link WriterVerticle}. Immutable; start from {@link #defaults(String)}.
 *
 * @param bootstrapServers   Kafka {@code host:port} list
 * @param writerId           names this writer in client ids and logs (not in transactional ids: those
 *                           are per request partition, {@code dekube-writer-<partition>}, whoever owns it)
 * @param sessionTimeout     group session timeout: how fast a crashed writer's partitions move (10 s)
 * @param maxPollInterval    how long a frozen loop keeps its partitions before the group moves them
 *                           (30 s; the loop never blocks that long, rebuilds keep polling)
 * @param transactionTimeout transaction.timeout.ms: above the worst batch, short so a frozen writer's
 *                           transaction cannot hold readers back for long (10 s)
 * @param maxPollRecords     requests per poll, i.e. at most per transaction per partition (500)
 * @param recentRequests     how many request ids (and their replies) are remembered to answer a retry
 *                           with its first reply (100,000)
 * @param recentReplyBytes   bound on the bytes those remembered replies hold (64 MiB)
 * @param maxRequestBytes    larger requests are answered 413 (3 MiB)
 * @param maxObjectBytes     larger objects are answered 413 instead of being stored (1,572,864 bytes, etcd's
 *                           default {@code --max-request-bytes}; the store topics' {@code max.message.bytes} in
 *                           {@code topics.yaml} leaves room for the record around it)
 * @param maxReplyBytes      larger replies (big lists) are replaced by a 413 reply (3 MiB; the replies topic's
 *                           {@code max.message.bytes} leaves room for the record around it)
 * @param startTimeout       how long {@code start()} waits for the first assignment to be rebuilt (60 s)
 * @param kafka              extra Kafka client properties for every client (security...); they win
 * @param groupInstanceId    the request consumer's {@code group.instance.id} (writer rule 9: static membership,
 *                           one per writer slot, so a restarted writer takes its partitions back without
 *                           waiting out the session timeout), or null for a dynamic member
 */
public record WriterConfig(String bootstrapServers, String writerId, Duration sessionTimeout,
                           Duration maxPollInterval, Duration transactionTimeout, int maxPollRecords,
                           int recentRequests, long recentReplyBytes, int maxRequestBytes, int maxObjectBytes,
                           int maxReplyBytes, Duration startTimeout, Map<String, Object> kafka,
                           String groupInstanceId) {

  /** etcd's default {@code --max-request-bytes}: the largest object a kube cluster stores. */
  public static final int MAX_OBJECT_BYTES = 1536 * 1024;

  public WriterConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    writerId = writerId == null || writerId.isEmpty() ? "writer-" + UUID.randomUUID().toString().substring(0, 8)
        : writerId;
    kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
    groupInstanceId = groupInstanceId == null || groupInstanceId.isEmpty() ? null : groupInstanceId;
  }

  /** The defaults described on the record. */
  public static WriterConfig defaults(String bootstrapServers) {
    return new WriterConfig(bootstrapServers, null, Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(10), 500, 100_000, 64L * 1024 * 1024, 3 * 1024 * 1024, MAX_OBJECT_BYTES, 3 * 1024 * 1024,
        Duration.ofSeconds(60), Map.of(), null);
  }

  public WriterConfig withWriterId(String v) {
    return new WriterConfig(bootstrapServers, v, sessionTimeout, maxPollInterval, transactionTimeout, maxPollRecords,
        recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withSessionTimeout(Duration v) {
    return new WriterConfig(bootstrapServers, writerId, v, maxPollInterval, transactionTimeout, maxPollRecords,
        recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withMaxPollInterval(Duration v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, v, transactionTimeout, maxPollRecords,
        recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withTransactionTimeout(Duration v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, v, maxPollRecords,
        recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withMaxPollRecords(int v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout, v,
        recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withRecentRequests(int v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, v, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withMaxObjectBytes(int v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, recentRequests, recentReplyBytes, maxRequestBytes, v, maxReplyBytes, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withMaxReplyBytes(int v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, v, startTimeout, kafka,
        groupInstanceId);
  }

  public WriterConfig withStartTimeout(Duration v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, v, kafka,
        groupInstanceId);
  }

  public WriterConfig withKafka(Map<String, Object> v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout,
        v, groupInstanceId);
  }

  public WriterConfig withGroupInstanceId(String v) {
    return new WriterConfig(bootstrapServers, writerId, sessionTimeout, maxPollInterval, transactionTimeout,
        maxPollRecords, recentRequests, recentReplyBytes, maxRequestBytes, maxObjectBytes, maxReplyBytes, startTimeout,
        kafka, v);
  }
}
