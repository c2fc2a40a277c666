package io.dekube.apiserver.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** kube's healthz handlers: the checks of each endpoint in order, post-start hooks until done, single checks. */
@TestMethodOrder(MethodOrderer.MethodName.class) // the hooks are done from the second on
class HealthEndpointsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicReference<String> STORE = new AtomicReference<>();
  private static Vertx vertx;
  private static HttpServer server;
  private static HealthEndpoints.PostStartHook rbac;
  private static HealthEndpoints.PostStartHook crds;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HealthEndpoints health = new HealthEndpoints();
    health.addHealthCheck("etcd", STORE::get).addReadyzCheck("etcd-readiness", STORE::get);
    rbac = health.addPostStartHook("rbac/bootstrap-roles");
    crds = health.addPostStartHook("crd-informer-synced");
    health.addReadyzCheck("shutdown", () -> null);
    Router router = Router.router(vertx);
    health.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void hooksFailUntilDoneAndEachEndpointListsItsChecksInOrder() throws Exception {
    HttpResponse<String> r = get("/readyz?verbose");
    assertEquals(500, r.statusCode());
    // kube answers a failure verbosely whether asked or not
    assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n"
        + "[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\n"
        + "[-]poststarthook/crd-informer-synced failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n",
        get("/readyz").body());
    HttpResponse<String> one = get("/livez/poststarthook/rbac/bootstrap-roles");
    assertEquals(500, one.statusCode());
    assertEquals("internal server error: not finished\n", one.body());
    rbac.done();
    crds.done();
    assertEquals("ok", get("/readyz").body());
    assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/rbac/bootstrap-roles ok\n"
        + "[+]poststarthook/crd-informer-synced ok\nlivez check passed\n", get("/livez?verbose").body());
    assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/rbac/bootstrap-roles ok\n"
        + "[+]poststarthook/crd-informer-synced ok\nhealthz check passed\n", get("/healthz?verbose").body());
    assertEquals("ok", get("/healthz/poststarthook/rbac/bootstrap-roles").body());
    assertEquals(404, get("/livez/shutdown").statusCode());
  }

  @Test
  void storeDownFailsEtcdEverywhereButExcludedItPasses() throws Exception {
    rbac.done();
    crds.done();
    STORE.set("Kafka at 127.0.0.1:1: cannot connect");
    try {
      assertEquals(500, get("/livez").statusCode());
      assertEquals("internal server error: Kafka at 127.0.0.1:1: cannot connect\n", get("/livez/etcd").body());
      HttpResponse<String> excluded = get("/readyz?verbose&exclude=etcd&exclude=etcd-readiness");
      assertEquals(200, excluded.statusCode(), excluded.body());
      assertEquals("[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n[+]etcd-readiness excluded: ok\n"
          + "[+]poststarthook/rbac/bootstrap-roles ok\n[+]poststarthook/crd-informer-synced ok\n[+]shutdown ok\n"
          + "readyz check passed\n", excluded.body());
    } finally {
      STORE.set(null);
    }
  }
}
