package io.dekube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.server.StatusFailureHandler;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit filter in a router: the Panic stage of a handler that throws, a blocking-strict backend's refusal. */
class AuditHandlerTest {

  private final Vertx vertx = Vertx.vertx();
  private final io.vertx.core.http.HttpClient client = vertx.createHttpClient();

  @AfterEach
  void stop() {
    vertx.close();
  }

  /** A sink that keeps the events; {@code stores} answers strict requests. */
  private static final class Recording implements AuditSink {
    final List<ObjectNode> events = Collections.synchronizedList(new ArrayList<>());
    final boolean strict;
    final boolean stores;

    Recording(boolean strict, boolean stores) {
      this.strict = strict;
      this.stores = stores;
    }

    @Override
    public void process(ObjectNode event) {
      events.add(event);
    }

    @Override
    public CompletionStage<Boolean> processAndWait(ObjectNode event) {
      // answered later, on another thread, as a backend's thread answers
      return CompletableFuture.supplyAsync(() -> {
        if (stores) {
          events.add(event);
        }
        return stores;
      }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    }

    @Override
    public boolean strict() {
      return strict;
    }
  }

  private HttpServer serve(AuditSink sink) throws Exception {
    AuditPolicy policy = AuditPolicy.parse(Json.YAML.readTree("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
        """));
    AuditHandler audit = new AuditHandler(policy, sink);
    Router router = Router.router(vertx);
    new StatusFailureHandler(1024 * 1024).install(router);
    router.route().handler(audit);
    router.route().handler(ctx -> {
      ctx.put(UserInfo.CONTEXT_KEY, new UserInfo("admin", "", List.of("system:masters")));
      ctx.next();
    });
    router.route().handler(audit.received());
    router.route().handler(io.vertx.ext.web.handler.BodyHandler.create());
    router.post("/api/v1/namespaces/default/configmaps").handler(ctx -> ctx.response().setStatusCode(201)
        .end(ctx.body().asString()));
    router.get("/api/v1/namespaces/default/pods").handler(ctx -> {
      throw new IllegalStateException("index 3 out of bounds");
    });
    router.get("/api/v1/namespaces/default/configmaps").handler(ctx -> ctx.response().end("{}"));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private record Answer(int code, String body) {
  }

  private Answer get(HttpServer server, String path) throws Exception {
    return send(server, HttpMethod.GET, path, "");
  }

  private Answer send(HttpServer server, HttpMethod method, String path, String body) throws Exception {
    return client.request(method, server.actualPort(), "127.0.0.1", path)
        .compose(r -> r.send(body)).compose(r -> r.body().map(b -> new Answer(r.statusCode(), b.toString())))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aHandlerThatThrowsGetsAPanicEventInsteadOfResponseComplete() throws Exception {
    Recording sink = new Recording(false, true);
    HttpServer server = serve(sink);
    Answer answer = get(server, "/api/v1/namespaces/default/pods");
    assertEquals(500, answer.code());
    // the client gets kube's WithPanicRecovery answer, which says nothing of the cause
    assertEquals("This request caused apiserver to panic. Look in the logs for details.\n", answer.body());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() == 2);
    assertEquals(List.of("RequestReceived", "Panic"), sink.events.stream().map(e -> e.path("stage").asText()).toList());
    ObjectNode panic = sink.events.get(1);
    assertEquals(Json.MAPPER.readTree("""
        {"metadata":{},"status":"Failure","message":"APIServer panic'd: java.lang.IllegalStateException: index 3 out of bounds",
         "reason":"InternalError","code":500}"""), panic.get("responseStatus"));
    assertEquals("list", panic.path("verb").asText());
    // an answered request ends with ResponseComplete
    get(server, "/api/v1/namespaces/default/configmaps");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() == 4);
    assertEquals("ResponseComplete", sink.events.get(3).path("stage").asText());
  }

  @Test
  void aStrictBackendThatCannotStoreTheRequestReceivedEventFailsTheRequest() throws Exception {
    Recording refusing = new Recording(true, false);
    HttpServer server = serve(refusing);
    Answer refused = get(server, "/api/v1/namespaces/default/configmaps?limit=1");
    assertEquals(500, refused.code());
    assertEquals("Internal Server Error: &#34;/api/v1/namespaces/default/configmaps?limit=1&#34;: failed to store "
        + "audit event\n", refused.body());
    org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(200)).atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() -> assertTrue(refusing.events.isEmpty(), "a refused request writes nothing more: "
            + refusing.events));
    Recording storing = new Recording(true, true);
    HttpServer other = serve(storing);
    Answer ok = get(other, "/api/v1/namespaces/default/configmaps");
    assertEquals(200, ok.code());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> storing.events.size() == 2);
    assertEquals("RequestReceived", storing.events.get(0).path("stage").asText());
    // the body sent while the request waited for its event is read whole afterwards
    String body = "{\"data\":\"" + "x".repeat(200_000) + "\"}";
    Answer created = send(other, HttpMethod.POST, "/api/v1/namespaces/default/configmaps", body);
    assertEquals(201, created.code());
    assertEquals(body, created.body());
  }
}
