package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.BusBinding;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.bus.KafkaClientConfigs;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Topics;
import io.dekube.core.bus.Verb;
import io.dekube.core.encryption.BusEncryption;
import io.dekube.core.encryption.ValueTransformer;
import io.dekube.core.metrics.Metrics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write (and linearizable read) path to the store: every call becomes a request on
 * {@code dekube.requests} (key = resource name) answered by the writer that owns the resource on
 * {@code dekube.replies} (key = this client's requester id).
 *
 * <p>One idempotent producer, sending from a dedicated thread; one consumer that reads only this
 * requester's replies partition, from the end, {@code read_committed}, on a dedicated thread. No
 * Kafka call runs on an event loop. Every returned future completes on the Vert.x context of the
 * caller. Failures are {@link StatusException}s: the writer's {@code Status} (404, 409, 422...),
 * 504 Timeout when no reply came within {@link StoreClientOptions#timeout()}, 413 when the request is
 * too large for the bus, 503 when the bus refused it.
 *
 * <p>Retrying: {@link #send} a request again with the same id and the writer answers with the first
 * reply (writer rule 5); the typed methods use a fresh id per call. Thread-safe.
 *
 * <p>When the process runs a {@link BusMonitor} for this bus: while the bus is down, requests fail
 * at once with 503 ServiceUnavailable (Retry-After 1 s); requests in flight when it is lost fail with
 * 504 Timeout (their outcome is unknown) and are sent again, with their ids, once it is back, so the
 * writer settles them exactly once (rule 5).
 */
public final class StoreClient implements StoreApi {

  private static final Logger LOG = LoggerFactory.getLogger(StoreClient.class);

  /** The largest request the client sends (the writer answers larger ones with 413). */
  public static final int MAX_REQUEST_BYTES = 3 * 1024 * 1024;

  private final Vertx vertx;
  private final StoreClientOptions options;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ExecutorService sender;
  private final ReplyReader replies;
  private final UnknownOutcomes unknown = new UnknownOutcomes();
  private final BusBinding bus;
  private volatile KafkaProducer<byte[], byte[]> producer;
  private volatile boolean closed;

  private record Pending(Promise<ReplyEnvelope> promise, Context context, long timer,
                         ProducerRecord<byte[], byte[]> record, String what) {
  }

  private StoreClient(Vertx vertx, StoreClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dekube-store-client-send-" + options.requesterId());
      t.setDaemon(true);
      return t;
    });
    this.bus = new BusBinding(options.bootstrapServers(), new BusMonitor.Listener() {
      @Override
      public void onLost(String reason) {
        pendingLost();
      }

      @Override
      public void onBack() {
        resendUnknown();
      }
    });
    this.replies = new ReplyReader(options.bootstrapServers(), options.requesterId(), options.kafka(), this::onReply);
  }

  /**
   * Connects: creates the producer, positions the reply reader at the end of its partition, then
   * completes (on the caller's context). Fails when the bus topics do not exist.
   */
  public static Future<StoreClient> start(Vertx vertx, StoreClientOptions options) {
    Context ctx = vertx.getOrCreateContext();
    StoreClient c = new StoreClient(vertx, options);
    CompletableFuture<Void> producerReady = CompletableFuture.runAsync(c::createProducer, c.sender);
    CompletableFuture<Void> all = CompletableFuture.allOf(producerReady, c.replies.start());
    Promise<StoreClient> p = Promise.promise();
    all.whenComplete((v, e) -> ctx.runOnContext(x -> {
      if (e == null) {
        p.complete(c);
      } else {
        c.close();
        p.fail(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
      }
    }));
    return p.future();
  }

  private void createProducer() {
    Map<String, Object> c = KafkaClientConfigs.base(options.bootstrapServers());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "dekube-requests-" + options.requesterId());
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES + 64 * 1024);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.putAll(options.kafka());
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c);
    producer = p;
    List<PartitionInfo> parts = p.partitionsFor(Topics.REQUESTS);
    if (parts == null || parts.isEmpty()) {
      throw new IllegalStateException("topic " + Topics.REQUESTS + " does not exist");
    }
  }

  /** The Kafka bootstrap servers this client talks to. */
  public String bootstrapServers() {
    return options.bootstrapServers();
  }

  /** This client's requester id (the key of its replies). */
  public String requesterId() {
    return options.requesterId();
  }

  /** Creates an object; answers the stored object (201). */
  @Override
  public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    String name = obj.path("metadata").path("name").asText("");
    return object(request(Verb.CREATE, t, namespace, name, obj, o));
  }

  /** Reads one object, linearizably (the writer serves it from its current state). */
  @Override
  public Future<ObjectNode> get(ResourceType t, String namespace, String name) {
    return object(request(Verb.GET, t, namespace, name, null, WriteOptions.none()));
  }

  /** Lists objects ({@code namespace} "" = all): a {@code <Kind>List} with items and the store's resourceVersion. */
  @Override
  public Future<ObjectNode> list(ResourceType t, String namespace) {
    return object(request(Verb.LIST, t, namespace, "", null, WriteOptions.none()));
  }

  /**
   * Lists objects filtered by Kubernetes label and field selectors (either may be null or empty),
   * e.g. {@code app=web,tier in (front)} and {@code spec.nodeName=node-1}.
   */
  public Future<ObjectNode> list(ResourceType t, String namespace, String labelSelector, String fieldSelector) {
    ObjectNode opts = Json.object();
    if (labelSelector != null && !labelSelector.isEmpty()) {
      opts.put("labelSelector", labelSelector);
    }
    if (fieldSelector != null && !fieldSelector.isEmpty()) {
      opts.put("fieldSelector", fieldSelector);
    }
    return object(send(envelope(Verb.LIST, t, namespace, "", null, Json.object(), opts)));
  }

  /** Replaces an object; its {@code metadata.resourceVersion}, when set, is a precondition. */
  @Override
  public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    JsonNode m = obj.path("metadata");
    return object(request(Verb.UPDATE, t, m.path("namespace").asText(""), m.path("name").asText(""), obj, o));
  }

  /** Replaces only the object's {@code .status}. */
  @Override
  public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    JsonNode m = obj.path("metadata");
    return object(request(Verb.UPDATE_STATUS, t, m.path("namespace").asText(""), m.path("name").asText(""), obj, o));
  }

  /**
   * Patches an object atomically against the writer's current version. {@code patchType} is the HTTP
   * content type ({@code application/json-patch+json}, {@code application/merge-patch+json},
   * {@code application/strategic-merge-patch+json}, {@code application/apply-patch+yaml}); on the bus
   * the body is {@code {"patch": <document>}} and {@code options.patchType} names the type.
   */
  @Override
  public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    ObjectNode body = Json.object();
    body.set("patch", patch);
    ObjectNode opts = o.optionsJson().put("patchType", patchType);
    return object(send(envelope(Verb.PATCH, t, namespace, name, body, o.preconditionsJson(), opts)));
  }

  /** Deletes an object: answers it as deleted, or updated with deletionTimestamp when finalizers remain. */
  @Override
  public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    return object(request(Verb.DELETE, t, namespace, name, null, o));
  }

  private Future<ReplyEnvelope> request(Verb verb, ResourceType t, String namespace, String name, ObjectNode body,
                                        WriteOptions o) {
    return send(envelope(verb, t, namespace, name, body, o.preconditionsJson(), o.optionsJson()));
  }

  private RequestEnvelope envelope(Verb verb, ResourceType t, String namespace, String name, ObjectNode body,
                                   ObjectNode preconditions, ObjectNode opts) {
    return new RequestEnvelope(UUID.randomUUID().toString(), options.requesterId(), verb.wire(), t.resourceName(),
        namespace == null ? "" : namespace, name == null ? "" : name, body, preconditions, opts);
  }

  private static Future<ObjectNode> object(Future<ReplyEnvelope> reply) {
    return reply.compose(r -> {
      if (r.ok()) {
        return Future.succeededFuture(r.object());
      }
      return Future.failedFuture(r.status() != null ? StatusException.fromStatus(r.status())
          : new StatusException(r.code(), "Unknown", "request failed with code " + r.code()));
    });
  }

  /**
   * Sends a raw request and answers its reply, whatever its code. The future fails only with 504
   * Timeout, 413 (too large for the bus) or 503 (the bus refused it). Sending the same id again while
   * the first is pending shares the first one's future (and re-sends: the writer deduplicates).
   */
  public Future<ReplyEnvelope> send(RequestEnvelope req) {
    Context ctx = vertx.getOrCreateContext();
    if (closed) {
      return Future.failedFuture(unavailable("store client closed"));
    }
    byte[] value;
    try {
      ObjectNode json = req.toJson();
      value = Json.MAPPER.writeValueAsBytes(json);
      if (value.length > MAX_REQUEST_BYTES) {
        return Future.failedFuture(StatusException.tooLarge("request is " + value.length + " bytes, the limit is "
            + MAX_REQUEST_BYTES));
      }
      if (req.body() != null && BusEncryption.sealRequest(json).has(BusEncryption.SEALED)) {
        value = Json.MAPPER.writeValueAsBytes(json); // an encrypted resource's object is never in clear on the bus
      }
    } catch (ValueTransformer.TransformException e) {
      // the providers that would encrypt the stored value refuse (a KMS plugin with no seed, or an expired one):
      // kube's storage answers that as Internal error occurred: <error>, and so does this
      return Future.failedFuture(StatusException.internal("Internal error occurred: " + e.getMessage()));
    } catch (Exception e) {
      return Future.failedFuture(StatusException.badRequest("cannot serialize request: " + e.getMessage()));
    }
    if (bus.down()) {
      count(req.verb(), "503");
      return Future.failedFuture(bus.monitor().unavailable());
    }
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.REQUESTS,
        req.resource().getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
    Future<ReplyEnvelope> result = register(req, ctx, record);
    produce(req.id(), record);
    return result.andThen(ar -> count(req.verb(), ar.succeeded() ? Integer.toString(ar.result().code())
        : ar.cause() instanceof StatusException se ? Integer.toString(se.code()) : "error"));
  }

  private void produce(String id, ProducerRecord<byte[], byte[]> record) {
    try {
      sender.execute(() -> producer.send(record, (md, e) -> {
        if (e != null) {
          bus.suspect();
          fail(id, e instanceof RecordTooLargeException ? StatusException.tooLarge(e.getMessage())
              : unavailable("cannot send request: " + e));
        }
      }));
    } catch (RuntimeException e) {
      fail(id, unavailable("store client closed"));
    }
  }

  /** The bus is lost: what is in flight has an unknown outcome; answer 504 now, re-send when it is back. */
  private void pendingLost() {
    BusMonitor m = bus.monitor();
    for (String id : List.copyOf(pending.keySet())) {
      Pending p = pending.get(id);
      if (p != null) {
        unknown.add(id, p.record());
        fail(id, m.outcomeUnknown(p.what()));
      }
    }
  }

  /** The bus is back: send every request of unknown outcome again with its id; the writer de-duplicates. */
  private void resendUnknown() {
    List<Map.Entry<String, ProducerRecord<byte[], byte[]>>> again = unknown.drain();
    if (!again.isEmpty()) {
      LOG.info("requester {}: sending {} requests of unknown outcome again", options.requesterId(), again.size());
    }
    again.forEach(e -> produce(e.getKey(), e.getValue()));
  }

  private Future<ReplyEnvelope> register(RequestEnvelope req, Context ctx, ProducerRecord<byte[], byte[]> record) {
    Pending existing = pending.get(req.id());
    if (existing != null) {
      return existing.promise().future();
    }
    Promise<ReplyEnvelope> promise = Promise.promise();
    long timeoutMs = Math.max(1, options.timeout().toMillis());
    String what = req.verb() + " " + req.resource() + " " + req.namespace() + "/" + req.name() + " (request "
        + req.id() + ")";
    long timer = vertx.setTimer(timeoutMs, id -> fail(req.id(), StatusException.timeout(
        "no reply to " + what + " within " + timeoutMs + " ms")));
    pending.put(req.id(), new Pending(promise, ctx, timer, record, what));
    return promise.future();
  }

  private void onReply(ReplyEnvelope reply) {
    Pending p = pending.remove(reply.requestId());
    if (p != null) {
      vertx.cancelTimer(p.timer());
      p.context().runOnContext(v -> p.promise().tryComplete(reply));
    }
  }

  private void fail(String id, Throwable cause) {
    Pending p = pending.remove(id);
    if (p != null) {
      vertx.cancelTimer(p.timer());
      p.context().runOnContext(v -> p.promise().tryFail(cause));
    }
  }

  private static StatusException unavailable(String message) {
    return new StatusException(503, "ServiceUnavailable", message);
  }

  private static void count(String verb, String code) {
    Metrics.registry().counter("dekube.store.client.requests", "verb", verb, "code", code).increment();
  }

  /** Closes the producer and the reply reader; pending requests fail with 503. Idempotent. */
  public Future<Void> close() {
    Context ctx = vertx.getOrCreateContext();
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    bus.unbind();
    pending.keySet().forEach(id -> fail(id, unavailable("store client closed")));
    CompletableFuture<Void> producerClosed = CompletableFuture.runAsync(() -> {
      KafkaProducer<byte[], byte[]> p = producer;
      if (p != null) {
        p.close(Duration.ofSeconds(5));
      }
    }, sender);
    CompletableFuture<Void> all = CompletableFuture.allOf(producerClosed, replies.close())
        .whenComplete((v, e) -> sender.shutdown());
    Promise<Void> done = Promise.promise();
    all.whenComplete((v, e) -> {
      if (e != null) {
        LOG.debug("closing store client {}: {}", options.requesterId(), e.toString());
      }
      ctx.runOnContext(x -> done.complete());
    });
    return done.future();
  }
}
