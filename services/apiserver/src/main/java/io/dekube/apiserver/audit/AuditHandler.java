package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditPolicy.Decision;
import io.dekube.apiserver.audit.AuditPolicy.Level;
import io.dekube.apiserver.audit.AuditPolicy.Stage;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.apiserver.authz.AuthorizationHandler;
import io.dekube.apiserver.metrics.RequestLabels;
import io.dekube.apiserver.server.ResponseAbort;
import io.dekube.core.model.Json;
import io.dekube.store.admission.webhook.AuditAnnotations;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * kube-apiserver's audit filter: every request gets an audit ID (the client's {@code Audit-ID}, else a
 * new UUID), answered in the {@code Audit-Id} header as kube answers it; when a policy is given, the
 * request's events go to the {@link AuditSink} at the level the policy decides — {@code RequestReceived} (once
 * authenticated: {@link #received}), {@code ResponseStarted} (long-running requests: watches, exec, logs, proxies)
 * and {@code ResponseComplete} (a WebSocket's when it closes), or {@code Panic} when a handler threw, minus the
 * omitted stages. Mounted before authentication, as kube's failed-authentication audit runs around it; the user
 * is the authenticated one, the impersonated one beside it. Requests that fail authentication get one
 * {@code ResponseStarted} event without a user, as kube's failed-authentication audit writes. Runs on the event
 * loop; serializing and writing are the backends' threads'.
 */
public final class AuditHandler implements Handler<RoutingContext> {

  /** Routing-context keys: the response body a RequestResponse event records, a failure's Status. */
  private static final String RESPONSE = "audit.response";
  private static final String STATUS = "audit.status";
  private static final String REQUEST = "audit.request";
  private static final String REQUEST_OBJECT = "audit.requestObject";
  private static final String REQUEST_META = "audit.requestMeta";
  private static final String ANNOTATIONS = "audit.annotations";

  private final AuditPolicy policy;
  private final AuditSink sink;

  /** {@code policy} or {@code sink} null: audit IDs only, no events (kube without a policy or a backend). */
  public AuditHandler(AuditPolicy policy, AuditSink sink) {
    this.policy = sink == null ? null : policy;
    this.sink = sink;
  }

  /**
   * The step after authentication, where kube's audit filter sits: writes the request's RequestReceived event and,
   * for a {@code blocking-strict} backend, lets the request go on only once it is stored — else answers kube's
   * 500 ({@code Internal Server Error: "<uri>": failed to store audit event}, counted in
   * {@code apiserver_audit_requests_rejected_total}). The event loop never waits.
   */
  public Handler<RoutingContext> received() {
    return ctx -> {
      Request r = ctx.get(REQUEST);
      if (r == null || r.actor() == null) {
        ctx.next();
        return;
      }
      java.util.concurrent.CompletionStage<Boolean> stored = r.writeReceived();
      if (stored == null) {
        ctx.next();
        return;
      }
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      // the body waits too: the body handler after us must see all of it
      ctx.request().pause();
      stored.whenComplete((ok, err) -> context.runOnContext(v -> {
        if (Boolean.TRUE.equals(ok)) {
          if (ResponseAbort.upgrades(ctx.request())) {
            ctx.request().resume(); // no body handler reads an upgrade: its handler takes the request as it came
          }
          ctx.next();
          return;
        }
        AuditMetrics.rejected();
        r.rejected = true;
        ctx.request().resume(); // what is left of the body is read and dropped
        // kube's responsewriters.InternalError: plain text, its sanitizer's HTML escapes
        ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("X-Content-Type-Options", "nosniff")
            .end("Internal Server Error: &#34;" + ctx.request().uri().replace("&", "&amp;").replace("<", "&lt;")
                .replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;") + "&#34;: failed to store audit event\n");
      }));
    };
  }

  /**
   * Keeps a response body for the request's events: a Status for {@code responseStatus}, any body when
   * the level records responses. Called by the code that sends JSON answers; nothing when the request is
   * not audited.
   */
  public static void response(RoutingContext ctx, JsonNode body) {
    Request r = ctx.get(REQUEST);
    if (r == null) {
      return;
    }
    if ("Status".equals(body.path("kind").asText())) {
      ctx.put(STATUS, body);
    }
    if (r.decision().level() == Level.RequestResponse) {
      ctx.put(RESPONSE, body);
    }
  }

  /** Whether the request may be audited (a policy is set): what is computed only for its events can be skipped. */
  public static boolean audited(RoutingContext ctx) {
    return ctx.get(REQUEST) != null;
  }

  /**
   * Adds admission's audit annotations (PodSecurity's) to the request's events after RequestReceived, as kube's
   * {@code audit.AddAuditAnnotations}; nothing when the request is not audited.
   */
  public static void annotate(RoutingContext ctx, Map<String, String> annotations) {
    AuditAnnotations kept = admission(ctx);
    annotations.forEach(kept::add);
  }

  /**
   * Where admission (webhooks, policies) puts the request's audit annotations, which its events after
   * RequestReceived carry by their level, as kube's audit handler copies its admission attributes' annotations into
   * the event; {@link AuditAnnotations#NONE} when the request is not audited (no policy, or level None). Called on
   * the request's event loop.
   */
  public static AuditAnnotations admission(RoutingContext ctx) {
    Request r = ctx.get(REQUEST);
    if (r == null || r.actor() == null || r.decision().level() == Level.None) {
      return AuditAnnotations.NONE;
    }
    AuditAnnotations kept = ctx.get(ANNOTATIONS);
    if (kept == null) {
      kept = AuditAnnotations.collecting();
      ctx.put(ANNOTATIONS, kept);
    }
    return kept;
  }

  /**
   * kube's {@code LogRequestObject}, which its create and update handlers call once they decoded the body: the
   * object's metadata completes the {@code objectRef} of the events after RequestReceived (a create's name, the uid
   * and resourceVersion the object carries), and the object (a protobuf body as JSON, in the request's version) is
   * kept for them when their level records requests. Nothing when the request is not audited.
   */
  public static void request(RoutingContext ctx, JsonNode decoded) {
    Request r = ctx.get(REQUEST);
    if (r == null || r.decision().level() == Level.None) {
      return;
    }
    JsonNode meta = decoded.path("metadata");
    ObjectNode kept = Json.object();
    for (String f : new String[] {"namespace", "name", "uid", "resourceVersion"}) {
      if (meta.path(f).isTextual()) {
        kept.set(f, meta.get(f));
      }
    }
    ctx.put(REQUEST_META, kept);
    if (r.decision().level().atLeast(Level.Request)) {
      ctx.put(REQUEST_OBJECT, decoded.deepCopy());
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String given = req.getHeader("Audit-ID");
    String id = given != null && !given.isBlank() ? given.trim() : UUID.randomUUID().toString();
    ctx.response().putHeader("Audit-Id", id);
    if (policy != null) {
      Request r = new Request(ctx, id, Instant.now());
      ctx.put(REQUEST, r);
      ctx.addHeadersEndHandler(v -> r.started());
      if (ResponseAbort.upgrades(req)) {
        ResponseAbort.onWebSocketClosed(ctx, r::completed);
        ctx.addEndHandler(ar -> {
          if (!ctx.response().headWritten() || ctx.response().getStatusCode() != 101) {
            r.completed();
          }
        });
      } else {
        ctx.addEndHandler(ar -> r.completed());
      }
    }
    ctx.next();
  }

  /** One audited request; confined to its event loop. */
  private final class Request {
    private final RoutingContext ctx;
    private final String id;
    private final Instant received;
    private Decision decision;
    private Attributes attributes;
    private boolean receivedWritten;
    private boolean startedWritten;
    private boolean completed;
    private boolean rejected;

    Request(RoutingContext ctx, String id, Instant received) {
      this.ctx = ctx;
      this.id = id;
      this.received = received;
    }

    /** The policy's decision, taken once the user and the request's attributes are known. */
    Decision decision() {
      if (decision == null) {
        UserInfo actor = actor();
        Attributes a = ctx.get(AuthorizationHandler.ATTRIBUTES);
        if (a == null) {
          HttpServerRequest req = ctx.request();
          a = Attributes.of(actor, req.method().name(), req.path(), req::getParam);
        }
        attributes = a.withUser(actor);
        decision = policy.decide(attributes);
      }
      return decision;
    }

    UserInfo actor() {
      UserInfo actor = ctx.get(io.dekube.apiserver.authz.Impersonation.ACTOR_KEY);
      return actor != null ? actor : ctx.get(UserInfo.CONTEXT_KEY);
    }

    void started() {
      if (actor() == null) {
        return; // failed authentication: written once, at the end
      }
      HttpServerRequest req = ctx.request();
      Attributes a = ctx.get(AuthorizationHandler.ATTRIBUTES);
      if (a != null && RequestLabels.of(a, req.method().name(), null, req::getParam).longRunning()) {
        writeReceived();
        startedWritten = true;
        write(Stage.ResponseStarted, Instant.now());
      }
    }

    void completed() {
      if (completed || rejected) {
        return;
      }
      completed = true;
      if (actor() == null) {
        write(Stage.ResponseStarted, Instant.now());
        return;
      }
      writeReceived();
      Throwable failure = ctx.failure();
      if (io.dekube.apiserver.server.StatusFailureHandler.panicked(failure)) {
        // kube's audit filter recovers the handler's panic: a Panic event instead of ResponseComplete
        ObjectNode status = Json.object().put("status", "Failure").put("message", "APIServer panic'd: " + failure)
            .put("reason", "InternalError");
        write(Stage.Panic, Instant.now(), status);
        return;
      }
      write(Stage.ResponseComplete, Instant.now());
    }

    /** The stage once (null when the level or omitStages leave it out): what a strict backend's request awaits. */
    java.util.concurrent.CompletionStage<Boolean> writeReceived() {
      if (receivedWritten) {
        return null;
      }
      receivedWritten = true;
      return write(Stage.RequestReceived, received);
    }

    private java.util.concurrent.CompletionStage<Boolean> write(Stage stage, Instant at) {
      return write(stage, at, ctx.get(STATUS));
    }

    private java.util.concurrent.CompletionStage<Boolean> write(Stage stage, Instant at, JsonNode status) {
      Decision d = decision();
      if (!d.records(stage)) {
        return null;
      }
      ObjectNode e = AuditEvents.event(d, stage, id, ctx, attributes, received, at, status,
          stage == Stage.RequestReceived ? null : ctx.get(REQUEST_META));
      if (stage == Stage.Panic) {
        ((ObjectNode) e.get("responseStatus")).put("code", 500);
      }
      AuditAnnotations annotations = ctx.get(ANNOTATIONS);
      if (stage != Stage.RequestReceived && annotations != null) {
        AuditEvents.annotate(e, annotations.visible(d.level().atLeast(Level.Request)));
      }
      if (stage != Stage.RequestReceived && d.level().atLeast(Level.Request)) {
        AuditEvents.requestObject(e, ctx, ctx.get(REQUEST_OBJECT), d.omitManagedFields());
      }
      if (stage == Stage.ResponseComplete && d.level() == Level.RequestResponse && !startedWritten) {
        AuditEvents.responseObject(e, ctx.get(RESPONSE), d.omitManagedFields());
      }
      AuditMetrics.generated();
      if (stage == Stage.RequestReceived && sink.strict()) {
        return sink.processAndWait(e);
      }
      sink.process(e);
      return null;
    }
  }
}
