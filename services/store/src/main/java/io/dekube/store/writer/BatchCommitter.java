package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Topics;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.BusPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of one poll batch of one request partition, in ONE transaction: send every store
 * record, then collect their offsets, then send every reply (each carrying its record's offset as
 * resourceVersion), add the consumed offsets ({@code sendOffsetsToTransaction} with the group's
 * metadata, KIP-447), commit; only then apply the batch to the committed state and remember its
 * replies (writer rules 4 and 5). Failures propagate to the loop, which aborts or rebuilds.
 * Loop-thread confined.
 */
final class BatchCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchCommitter.class);
  /** Header on store records naming the request that wrote them. */
  static final String REQUEST_HEADER = "dekube.request";

  private final RequestParser parser;
  private final RequestProcessor processor;
  private final StoreRebuilder rebuilder;
  private final RecentReplies recent;
  private final WriterMetrics metrics;
  private final WriterTestHooks hooks;
  private final BooleanSupplier killed;
  private final int maxReplyBytes;
  private final Supplier<KafkaProducer<byte[], byte[]>> readReplies;

  BatchCommitter(RequestParser parser, RequestProcessor processor, StoreRebuilder rebuilder, RecentReplies recent,
                 WriterMetrics metrics, WriterTestHooks hooks, BooleanSupplier killed, int maxReplyBytes,
                 Supplier<KafkaProducer<byte[], byte[]>> readReplies) {
    this.readReplies = readReplies;
    this.parser = parser;
    this.processor = processor;
    this.rebuilder = rebuilder;
    this.recent = recent;
    this.metrics = metrics;
    this.hooks = hooks;
    this.killed = killed;
    this.maxReplyBytes = maxReplyBytes;
  }

  /** One request of the batch and its answer. */
  private static final class Handled {
    final ConsumerRecord<byte[], byte[]> record;
    String requestId = "";
    String requester;
    String verb = "unknown";
    String resource = "unknown";
    boolean mutating;
    Outcome outcome;
    Handled duplicateOf;
    RecentReplies.Entry remembered;
    byte[] reply;
    int code;

    Handled(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
    }
  }

  /** Runs the batch's transaction; throws when it did not commit. */
  void commit(PartitionWriter pw, List<ConsumerRecord<byte[], byte[]>> records, ConsumerGroupMetadata group,
              int requestPartitions, int replyPartitions) throws Exception {
    if (pw.encryptionReloaded()) {
      LOG.info("request partition {}: the encryption configuration was reloaded or a KMS plugin gave a new seed; the "
          + "stores it names load again", pw.partition());
    }
    BatchOverlay overlay = new BatchOverlay(pw::state);
    List<Handled> handled = prepare(pw, records, overlay, requestPartitions);
    ConsumerRecord<byte[], byte[]> last = records.get(records.size() - 1);
    if (overlay.writes().isEmpty() && handled.stream().noneMatch(h -> h.mutating)) {
      answerReads(pw, handled, replyPartitions, last.offset() + 1);
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> consumed = Map.of(pw.topicPartition(),
        new OffsetAndMetadata(last.offset() + 1));
    if (!predict(pw, overlay.writes()) || !sendPredicted(pw, overlay, handled, consumed, group, replyPartitions)) {
      sendInTurn(pw, overlay, handled, consumed, group, replyPartitions);
    }
    hooks.beforeCommit(pw.partition());
    if (killed.getAsBoolean()) {
      throw new Failures.Killed();
    }
    try {
      pw.producer().commitTransaction();
    } catch (RuntimeException e) {
      throw new Failures.CommitOutcomeUnknown(e);
    }
    for (StoreWrite w : overlay.writes()) {
      pw.committedUpTo(w.type().storeTopic(), w.offset()); // in send order: the last one wins
    }
    pw.readsAnsweredUpTo(-1);
    applyCommitted(pw, overlay, handled);
  }

  /**
   * Writer rule 8: gives every store write its predicted offset (the partition's next offset, + 1 per
   * record of the same topic before it); false when a topic's next offset is not known.
   */
  private boolean predict(PartitionWriter pw, List<StoreWrite> writes) {
    Map<String, Long> next = new HashMap<>();
    long[] predicted = new long[writes.size()];
    for (int i = 0; i < writes.size(); i++) {
      String topic = writes.get(i).type().storeTopic();
      long offset = next.computeIfAbsent(topic, pw::nextOffset);
      if (offset < 0) {
        return false;
      }
      predicted[i] = offset;
      next.put(topic, offset + 1);
    }
    long skew = hooks.predictionSkew(pw.partition());
    for (int i = 0; i < writes.size(); i++) {
      writes.get(i).offset(predicted[i] + skew);
    }
    return true;
  }

  /**
   * Writer rule 8: store records, replies (with the predicted offsets) and the consumed offsets go out
   * together, their round trips overlapping; then the store acks are checked against the predictions.
   * On a mismatch the transaction is aborted and false returned (nothing was committed), to be redone
   * in turn; true leaves the transaction ready to commit.
   */
  private boolean sendPredicted(PartitionWriter pw, BatchOverlay overlay, List<Handled> handled,
                                Map<TopicPartition, OffsetAndMetadata> consumed, ConsumerGroupMetadata group,
                                int replyPartitions) throws Exception {
    KafkaProducer<byte[], byte[]> producer = pw.producer();
    List<Future<RecordMetadata>> sent = beginWithStoreRecords(producer, overlay.writes());
    sendRepliesAndOffsets(producer, handled, replyPartitions, consumed, group);
    String mismatch = null;
    for (int i = 0; i < sent.size(); i++) {
      long acked = ackedOffset(sent.get(i));
      StoreWrite w = overlay.writes().get(i);
      if (acked != w.offset() && mismatch == null) {
        mismatch = w.type().storeTopic() + " predicted " + w.offset() + ", acknowledged " + acked;
      }
    }
    if (mismatch == null) {
      return true;
    }
    producer.abortTransaction();
    pw.forgetOffsets();
    metrics.predictionMissed();
    LOG.info("request partition {}: store offsets not as predicted ({}); transaction aborted, redone in turn",
        pw.partition(), mismatch);
    return false;
  }

  /** Without predictions: store records, then their offsets, then the replies (the DESIGN's group commit). */
  private void sendInTurn(PartitionWriter pw, BatchOverlay overlay, List<Handled> handled,
                          Map<TopicPartition, OffsetAndMetadata> consumed, ConsumerGroupMetadata group,
                          int replyPartitions) throws Exception {
    KafkaProducer<byte[], byte[]> producer = pw.producer();
    List<Future<RecordMetadata>> sent = beginWithStoreRecords(producer, overlay.writes());
    for (int i = 0; i < sent.size(); i++) {
      overlay.writes().get(i).offset(ackedOffset(sent.get(i)));
    }
    sendRepliesAndOffsets(producer, handled, replyPartitions, consumed, group);
  }

  /** Begins the transaction and sends the batch's store records; their acks, in order. */
  private static List<Future<RecordMetadata>> beginWithStoreRecords(KafkaProducer<byte[], byte[]> producer,
                                                                    List<StoreWrite> writes) {
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>(writes.size());
    for (StoreWrite w : writes) {
      sent.add(producer.send(storeRecord(w)));
    }
    return sent;
  }

  /** Sends every reply (built now, with the writes' offsets as they stand) and the consumed offsets. */
  private void sendRepliesAndOffsets(KafkaProducer<byte[], byte[]> producer, List<Handled> handled,
                                     int replyPartitions, Map<TopicPartition, OffsetAndMetadata> consumed,
                                     ConsumerGroupMetadata group) {
    for (Handled h : handled) {
      if (buildReply(h)) {
        producer.send(replyRecord(h, replyPartitions));
      }
    }
    producer.sendOffsetsToTransaction(consumed, group);
  }

  private static long ackedOffset(Future<RecordMetadata> ack) throws Exception {
    try {
      return ack.get().offset();
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) Failures.unwrap(e);
    }
  }

  /**
   * The way out of a poison request (one whose transaction aborts every time, e.g. a record the broker
   * refuses): answers it 500 InternalError without executing it, and moves past it, in a transaction.
   */
  void commitAsFailed(PartitionWriter pw, ConsumerRecord<byte[], byte[]> record, ConsumerGroupMetadata group,
                      int requestPartitions, int replyPartitions, String why) throws Exception {
    Handled h = new Handled(record);
    RequestParser.Result res = parser.parse(record.value(), record.partition(), requestPartitions);
    metrics.badMessage("unwritable");
    if (res.request() != null) {
      h.requestId = res.request().id();
      h.requester = res.request().envelope().requester();
      h.verb = res.request().verb().wire();
      h.resource = res.request().type().resourceName();
    } else if (res.rejected().answerable()) {
      h.requestId = res.rejected().requestId();
      h.requester = res.rejected().requester();
    }
    h.outcome = Outcome.failed(StatusException.internal("the writer could not commit this request: " + why));
    LOG.error("request {}-{}@{} ({} {}) aborted its transaction repeatedly; answered 500 without executing it: {}",
        record.topic(), record.partition(), record.offset(), h.verb, h.resource, why);
    KafkaProducer<byte[], byte[]> producer = pw.producer();
    producer.beginTransaction();
    if (buildReply(h)) {
      producer.send(replyRecord(h, replyPartitions));
    }
    producer.sendOffsetsToTransaction(Map.of(pw.topicPartition(), new OffsetAndMetadata(record.offset() + 1)), group);
    try {
      producer.commitTransaction();
    } catch (RuntimeException e) {
      throw new Failures.CommitOutcomeUnknown(e);
    }
    pw.readsAnsweredUpTo(-1);
    applyCommitted(pw, new BatchOverlay(pw::state), List.of(h));
  }

  /**
   * A batch of reads only (get, list, malformed requests) changes nothing: its replies go out at once
   * through the non-transactional reply producer, without a transaction. Its offsets are committed
   * with the partition's next transaction (or on revocation); a writer that crashes before answers
   * those reads again, which their requesters ignore.
   */
  private void answerReads(PartitionWriter pw, List<Handled> handled, int replyPartitions, long nextOffset)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (Handled h : handled) {
      if (buildReply(h)) {
        acks.add(readReplies.get().send(replyRecord(h, replyPartitions)));
      }
    }
    for (Future<RecordMetadata> f : acks) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new Failures.ReadsNotAnswered(Failures.unwrap(e));
      }
    }
    pw.readsAnsweredUpTo(nextOffset);
    applyCommitted(pw, new BatchOverlay(pw::state), handled);
  }

  private static ProducerRecord<byte[], byte[]> replyRecord(Handled h, int replyPartitions) {
    return new ProducerRecord<>(Topics.REPLIES, BusPartitioner.partition(h.requester, replyPartitions),
        h.requester.getBytes(StandardCharsets.UTF_8), h.reply);
  }

  private List<Handled> prepare(PartitionWriter pw, List<ConsumerRecord<byte[], byte[]>> records,
                                BatchOverlay overlay, int requestPartitions) {
    List<Handled> handled = new ArrayList<>(records.size());
    Map<String, Handled> inBatch = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Handled h = new Handled(r);
      handled.add(h);
      RequestParser.Result res = parser.parse(r.value(), r.partition(), requestPartitions);
      if (res.rejected() != null) {
        reject(h, res.rejected());
        continue;
      }
      ParsedRequest req = res.request();
      h.requestId = req.id();
      h.requester = req.envelope().requester();
      h.verb = req.verb().wire();
      h.resource = req.type().resourceName();
      h.mutating = req.verb() != Verb.GET && req.verb() != Verb.LIST;
      if (h.mutating) {
        h.remembered = recent.get(req.id());
        if (h.remembered == null && req.verb() == Verb.CREATE) {
          h.remembered = rebuiltCreate(pw, h.resource, req.id(), h.requester);
        }
        h.duplicateOf = inBatch.get(req.id());
        if (h.remembered != null || h.duplicateOf != null) {
          continue;
        }
        inBatch.put(req.id(), h);
      }
      h.outcome = ensureLoaded(pw, req) ? processor.process(req, overlay)
          : Outcome.failed(new StatusException(503, "ServiceUnavailable", "the store of " + h.resource
          + " cannot be read right now; retry"));
    }
    return handled;
  }

  /**
   * A create whose first attempt was committed but whose outcome this writer lost (it started the
   * partition again since): answered as the first attempt would have been, 201 with what it stored.
   */
  private static RecentReplies.Entry rebuiltCreate(PartitionWriter pw, String resource, String requestId,
                                                   String requester) {
    RebuiltCreates.Created first = pw.rebuiltCreates().get(requestId);
    if (first == null || requester == null) {
      return null;
    }
    return new RecentReplies.Entry(requester, serialize(resource, new ReplyEnvelope(requestId,
        requester, 201, first.withRv(), null)));
  }

  private void reject(Handled h, RequestParser.Rejected rej) {
    metrics.badMessage(rej.reason());
    h.requestId = rej.requestId();
    if (rej.answerable()) {
      h.requester = rej.requester();
      h.outcome = Outcome.failed(rej.error());
      LOG.debug("bad request {}-{}@{} ({}): answered {}", h.record.topic(), h.record.partition(), h.record.offset(),
          rej.reason(), rej.error().code());
    } else {
      LOG.warn("bad request {}-{}@{} ({}) without a reply address: {}", h.record.topic(), h.record.partition(),
          h.record.offset(), rej.reason(), rej.error().getMessage());
    }
  }

  private boolean ensureLoaded(PartitionWriter pw, ParsedRequest req) {
    if (pw.state(req.type()) != null) {
      return true;
    }
    try {
      rebuilder.loadNow(pw, req.type());
      return true;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("cannot load the store of {} for partition {}: {}", req.type().resourceName(), pw.partition(),
          e.toString());
      return false;
    }
  }

  /** Fills {@code h.reply}; false when there is nobody to answer. */
  private boolean buildReply(Handled h) {
    if (h.requester == null) {
      return false;
    }
    if (h.remembered != null || h.duplicateOf != null) {
      Handled first = h.duplicateOf;
      byte[] bytes = h.remembered != null ? h.remembered.reply() : first.reply;
      String requester = h.remembered != null ? h.remembered.requester() : first.requester;
      h.code = h.remembered != null ? codeOf(bytes) : first.code;
      h.reply = requester.equals(h.requester) ? bytes : readdress(bytes, h.requester);
      return true;
    }
    Outcome o = h.outcome;
    ObjectNode object = o.object() == null ? null : o.object().get();
    h.code = o.code();
    h.reply = serialize(h.resource, new ReplyEnvelope(h.requestId, h.requester, o.code(), object, o.status()));
    if (h.reply.length > maxReplyBytes) {
      StatusException tooLarge = StatusException.tooLarge("the reply is " + h.reply.length + " bytes, more than the "
          + maxReplyBytes + " a reply can carry; list from an informer, or narrow the list by namespace or selector");
      h.code = tooLarge.code();
      h.reply = serialize(null, new ReplyEnvelope(h.requestId, h.requester, h.code, null, tooLarge.toStatus()));
    }
    return true;
  }

  private static int codeOf(byte[] reply) {
    try {
      return Json.MAPPER.readTree(reply).path("code").asInt(200);
    } catch (Exception e) {
      return 200;
    }
  }

  private static byte[] readdress(byte[] reply, String requester) {
    try {
      ObjectNode n = (ObjectNode) Json.MAPPER.readTree(reply);
      n.put("requester", requester);
      return Json.MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("cannot re-address a remembered reply", e);
    }
  }

  /**
   * The reply's bytes on the bus: its payload sealed when {@code resource} is encrypted at rest (BusEncryption). A
   * reply that cannot be sealed (a KMS plugin that never answered) is replaced by a 500 Status in clear, which
   * carries none of the object.
   */
  private static byte[] serialize(String resource, ReplyEnvelope reply) {
    try {
      return Json.MAPPER.writeValueAsBytes(io.dekube.core.encryption.BusEncryption.sealReply(resource, reply.toJson()));
    } catch (io.dekube.core.encryption.ValueTransformer.TransformException e) {
      return serialize(null, new ReplyEnvelope(reply.requestId(), reply.requester(), 500, null, StatusException
          .internal("Internal error occurred: unable to transform the reply for " + resource + ": " + e.getMessage())
          .toStatus()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialize a reply", e);
    }
  }

  private static ProducerRecord<byte[], byte[]> storeRecord(StoreWrite w) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REQUEST_HEADER, w.requestId().getBytes(StandardCharsets.UTF_8));
    if (w.tombstone()) {
      headers.add(Topics.UID_HEADER, w.uid().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(w.type().storeTopic(), 0, w.key().getBytes(StandardCharsets.UTF_8),
        w.atRest(), headers);
  }

  private void applyCommitted(PartitionWriter pw, BatchOverlay overlay, List<Handled> handled) {
    for (StoreWrite w : overlay.writes()) {
      pw.state(w.type()).apply(w.key(), w.tombstone() ? null : w.value(), w.offset());
    }
    long now = System.currentTimeMillis();
    for (Handled h : handled) {
      if (h.mutating && h.reply != null && h.remembered == null && h.duplicateOf == null) {
        recent.put(h.requestId, h.requester, h.reply);
      }
      if (h.reply != null) {
        metrics.request(h.verb, h.resource, h.code);
        metrics.latency(h.record.timestamp(), now);
      }
    }
    metrics.batch(handled.size());
  }
}
