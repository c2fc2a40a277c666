package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditPolicy.Decision;
import io.dekube.apiserver.audit.AuditPolicy.Level;
import io.dekube.apiserver.audit.AuditPolicy.Stage;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.PodBinding;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.webhook.AdmittingStore;
import io.dekube.store.admission.webhook.AuditAnnotations;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The store of one bus component's user with its calls audited as kube-apiserver audits the same requests of kube's
 * component ({@link BusRequest}: verb, requestURI, objectRef, body), at the level the policy gives them:
 * RequestReceived before the call goes out, ResponseComplete when it is answered (the failure's Status, the answer by
 * level), minus the omitted stages. A {@code blocking-strict} backend holds the call until its RequestReceived event
 * is stored, and refuses it with client-go's error for kube's 500 when it cannot be. Calls the policy leaves at
 * {@code None} pass straight through. Futures complete where the wrapped store's do; never blocks. Thread-safe.
 */
final class AuditedStore implements StoreApi {

  private final StoreApi store;
  private final AuditPolicy policy;
  private final AuditSink sink;
  private final UserInfo user;
  /** The User-Agent of every call, or null for the one of {@code user}'s component ({@link ComponentAgents}). */
  private final String agent;

  AuditedStore(StoreApi store, AuditPolicy policy, AuditSink sink, UserInfo user) {
    this(store, policy, sink, user, null);
  }

  AuditedStore(StoreApi store, AuditPolicy policy, AuditSink sink, UserInfo user, String agent) {
    this.store = store;
    this.policy = policy;
    this.sink = sink;
    this.user = user;
    this.agent = agent;
  }

  private String agent(ResourceType t) {
    return agent != null ? agent : ComponentAgents.of(user, t);
  }

  @Override
  public Future<ObjectNode> get(ResourceType t, String namespace, String name) {
    return audited(BusRequest.read(t, namespace, name), s -> s.get(t, namespace, name));
  }

  @Override
  public Future<ObjectNode> list(ResourceType t, String namespace) {
    return audited(BusRequest.read(t, namespace, ""), s -> s.list(t, namespace));
  }

  @Override
  public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    String name = obj.path("metadata").path("name").asText("");
    return audited(BusRequest.write("create", t, namespace, name, "", obj, sent(t, o)),
        s -> s.create(t, namespace, obj, o));
  }

  @Override
  public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    return audited(replace(t, obj, sent(t, o), ""), s -> s.update(t, obj, o));
  }

  @Override
  public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    return audited(replace(t, obj, sent(t, o), "status"), s -> s.updateStatus(t, obj, o));
  }

  private static BusRequest replace(ResourceType t, ObjectNode obj, WriteOptions o, String subresource) {
    JsonNode meta = obj.path("metadata");
    return BusRequest.write("update", t, meta.path("namespace").asText(""), meta.path("name").asText(""), subresource,
        obj, o);
  }

  @Override
  public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    String subresource = o.subresource() == null ? "" : o.subresource();
    BusRequest r = subresource.equals(PodBinding.SUBRESOURCE)
        ? BusRequest.binding(t, namespace, name, patch.path("spec").path("nodeName").asText(""), sent(t, o))
        : BusRequest.write("patch", t, namespace, name, subresource, patch, sent(t, o));
    return audited(r, s -> s.patch(t, namespace, name, patchType, patch, o));
  }

  @Override
  public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    return audited(BusRequest.write("delete", t, namespace, name, "", BusRequest.deleteOptions(t, o), o),
        s -> s.delete(t, namespace, name, o));
  }

  /**
   * The options as the request carries them: a field manager that is the one kube-apiserver derives from the
   * component's User-Agent ({@code FieldManagedStore} under this store set it) is not in kube's query, the component
   * sends none.
   */
  private WriteOptions sent(ResourceType t, WriteOptions o) {
    String agent = agent(t);
    return o.fieldManager() != null && o.fieldManager().equals(agent.substring(0, agent.indexOf('/')))
        ? o.withFieldManager(null) : o;
  }

  /**
   * {@code call} on the wrapped store, audited; when that store admits the writes ({@link AdmittingStore}), the
   * call's admission annotations go into its events after RequestReceived, by their level.
   */
  private Future<ObjectNode> audited(BusRequest r, Function<StoreApi, Future<ObjectNode>> call) {
    Decision d = policy.decide(r.attributes(user));
    if (d.level() == Level.None) {
      return call.apply(store);
    }
    AuditAnnotations annotations = AuditAnnotations.collecting();
    StoreApi target = store instanceof AdmittingStore admitting ? admitting.annotating(annotations) : store;
    Call c = new Call(r, d, UUID.randomUUID().toString(), Instant.now(), agent(r.type()),
        annotations);
    CompletionStage<Boolean> stored = c.received();
    if (stored == null) {
      return call.apply(target).andThen(c::completed);
    }
    Context context = Vertx.currentContext();
    Future<Boolean> ok = context == null ? Future.fromCompletionStage(stored) : Future.fromCompletionStage(stored,
        context);
    return ok.compose(yes -> {
      if (!Boolean.TRUE.equals(yes)) {
        AuditMetrics.rejected(); // kube writes no more events for the request it refused
        return Future.failedFuture(rejected(r));
      }
      return call.apply(target).andThen(c::completed);
    });
  }

  /**
   * What client-go makes of kube's plain-text 500 for an event a {@code blocking-strict} backend could not store
   * ({@code errors.NewGenericServerResponse}: the trimmed body quoted, the method and the group's resource).
   */
  static StatusException rejected(BusRequest r) {
    String method = switch (r.verb()) {
      case "create" -> "post";
      case "update" -> "put";
      case "get", "list" -> "get";
      default -> r.verb();
    };
    String body = "Internal Server Error: &#34;" + r.uri().replace("&", "&amp;") + "&#34;: failed to store audit event";
    return new StatusException(500, "InternalError", "an error on the server (\"" + body.replace("\"", "\\\"")
        + "\") has prevented the request from succeeding (" + method + " " + r.type().resourceName() + ")");
  }

  /** One audited call. */
  private final class Call {
    private final BusRequest r;
    private final Decision d;
    private final String id;
    private final Instant received;
    private final String agent;
    private final AuditAnnotations annotations;

    Call(BusRequest r, Decision d, String id, Instant received, String agent, AuditAnnotations annotations) {
      this.r = r;
      this.d = d;
      this.id = id;
      this.received = received;
      this.agent = agent;
      this.annotations = annotations;
    }

    /** Writes RequestReceived; the stage a strict backend's call waits for, or null. */
    CompletionStage<Boolean> received() {
      if (!d.records(Stage.RequestReceived)) {
        return null;
      }
      ObjectNode e = AuditEvents.busEvent(d, Stage.RequestReceived, id, r, user, agent, received, received, null, 0,
          null, null);
      AuditMetrics.generated();
      if (sink.strict()) {
        return sink.processAndWait(e);
      }
      sink.process(e);
      return null;
    }

    void completed(AsyncResult<ObjectNode> ar) {
      if (!d.records(Stage.ResponseComplete)) {
        return;
      }
      JsonNode status = null;
      JsonNode answer;
      int code = r.code();
      if (ar.failed()) {
        StatusException failure = ar.cause() instanceof StatusException se ? se
            : StatusException.internal(String.valueOf(ar.cause().getMessage()));
        answer = status = failure.toStatus();
        code = failure.code();
      } else if (r.subresource().equals(PodBinding.SUBRESOURCE)) {
        answer = io.dekube.core.model.Json.object().put("kind", "Status").put("apiVersion", "v1")
            .<ObjectNode>set("metadata", io.dekube.core.model.Json.object()).put("status", "Success").put("code", 201);
      } else if (r.verb().equals("delete")) {
        answer = ar.result() == null ? null : io.dekube.apiserver.rest.Responses.deleted(r.type(), r.name(), ar.result());
      } else {
        answer = ar.result();
      }
      boolean omit = d.omitManagedFields();
      JsonNode request = d.level().atLeast(Level.Request) && r.body() != null
          ? omit ? AuditEvents.withoutManagedFields(r.body()) : r.body() : null;
      JsonNode response = d.level() == Level.RequestResponse && answer != null
          ? omit ? AuditEvents.withoutManagedFields(answer) : answer : null;
      ObjectNode e = AuditEvents.busEvent(d, Stage.ResponseComplete, id, r, user, agent, received, Instant.now(),
          status, code, request, response);
      AuditEvents.annotate(e, annotations.visible(d.level().atLeast(Level.Request)));
      AuditMetrics.generated();
      sink.process(e);
    }
  }
}
