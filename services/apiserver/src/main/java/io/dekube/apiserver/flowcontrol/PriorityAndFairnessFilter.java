package io.dekube.apiserver.flowcontrol;

import io.dekube.apiserver.authz.Attributes;
import io.dekube.apiserver.authz.AuthorizationHandler;
import io.dekube.core.auth.UserInfo;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * kube-apiserver's priority-and-fairness filter, after authentication and impersonation and before
 * authorization: classifies the request by the FlowSchemas, answers the
 * {@code X-Kubernetes-PF-FlowSchema-UID} and {@code X-Kubernetes-PF-PriorityLevel-UID} headers, and
 * holds it until its priority level has a seat for it — at once for an exempt level; in a queue for a
 * queued one, at most 15 s (a quarter of kube's 60 s request timeout); never for {@code Reject}. A request
 * turned away gets kube's 429 {@code Too many requests, please try again later.} with {@code Retry-After}.
 * A watch holds its seat only until it is set up; other long-running requests (exec, attach,
 * port-forward, proxy, logs) pass unclassified, as in kube. Waiting never blocks the event loop: the
 * request resumes on its own context when a seat frees up. One per router; the state is the process's
 * {@link FlowController}.
 */
public final class PriorityAndFairnessFilter implements Handler<RoutingContext> {

  /** kube's response header naming the matched FlowSchema's uid. */
  public static final String FLOW_SCHEMA_UID = "X-Kubernetes-PF-FlowSchema-UID";
  /** kube's response header naming the matched priority level's uid. */
  public static final String PRIORITY_LEVEL_UID = "X-Kubernetes-PF-PriorityLevel-UID";
  static final long WAIT_LIMIT_MS = 15_000;
  private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "portforward", "proxy", "log");

  private final FlowController controller;
  private final LongSupplier clock;

  public PriorityAndFairnessFilter(FlowController controller, LongSupplier clock) {
    this.controller = controller;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    UserInfo user = ctx.get(UserInfo.CONTEXT_KEY);
    HttpServerRequest request = ctx.request();
    if (user == null) {
      ctx.next();
      return;
    }
    Attributes a = Attributes.of(user, request.method().name(), request.path(), request::getParam);
    // what the request asks, for those that label a request APF turns away (the request metrics)
    ctx.put(AuthorizationHandler.ATTRIBUTES, a);
    if (a.resourceRequest() && (a.verb().equals("proxy") || LONG_RUNNING_SUBRESOURCES.contains(a.subresource()))) {
      ctx.next();
      return;
    }
    FlowController.Classification c = controller.classify(a);
    FlowControlConfig.Match m = c.match();
    request.response().putHeader(FLOW_SCHEMA_UID, m.schema().uid())
        .putHeader(PRIORITY_LEVEL_UID, m.level().uid());
    String schema = m.schema().name();
    boolean watch = a.verb().equals("watch");
    if (c.exempt() != null) {
      c.exempt().started(schema);
      if (watch) {
        ctx.next();
        c.exempt().ended(schema);
      } else {
        ctx.addEndHandler(v -> c.exempt().ended(schema));
        ctx.next();
      }
      return;
    }
    admit(ctx, c.queues(), new FlowRequest(schema, m.distinguisher(), a, clock.getAsLong(),
        System.currentTimeMillis()), watch);
  }

  private void admit(RoutingContext ctx, QueueSet queues, FlowRequest r, boolean watch) {
    Context context = Vertx.currentContext();
    long[] timer = {-1};
    r.onResume(() -> {
      if (Vertx.currentContext() == context) {
        proceed(ctx, queues, r, watch, timer[0]);
      } else {
        context.runOnContext(v -> proceed(ctx, queues, r, watch, timer[0]));
      }
    });
    List<FlowRequest> dispatched = queues.start(r);
    switch (r.state()) {
      case REJECTED -> tooManyRequests(ctx);
      case WAITING -> {
        ctx.addEndHandler(v -> resume(queues.release(r)));
        timer[0] = ctx.vertx().setTimer(WAIT_LIMIT_MS, id -> {
          if (queues.abandon(r, "time-out")) {
            tooManyRequests(ctx);
          }
        });
      }
      default -> {
        if (!watch) {
          ctx.addEndHandler(v -> resume(queues.release(r)));
        }
      }
    }
    resume(dispatched);
  }

  private void proceed(RoutingContext ctx, QueueSet queues, FlowRequest r, boolean watch, long timer) {
    if (timer >= 0) {
      ctx.vertx().cancelTimer(timer);
    }
    if (r.state() != FlowRequest.State.EXECUTING) {
      return;
    }
    ctx.next();
    if (watch) {
      // a watch holds its seat while it is set up, not for as long as it stays open
      resume(queues.finish(r));
    }
  }

  /** Resumes the requests a QueueSet call dispatched, each on its own context. */
  static void resume(List<FlowRequest> dispatched) {
    for (FlowRequest r : dispatched) {
      r.resume.run();
    }
  }

  /** kube's answer to a request APF turns away. */
  static void tooManyRequests(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(429).putHeader("Retry-After", "1")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end("Too many requests, please try again later.\n");
  }
}
