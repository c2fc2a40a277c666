package io.dekube.apiserver.rest;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.rest.backend.MemoryBackend;
import io.dekube.apiserver.rest.watch.WatchConfig;
import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a plain HTTP server with the REST API over an in-memory backend on a random port. */
abstract class RestApiTestBase {

  protected final ResourceRegistry registry = ResourceRegistry.builtIn();
  protected Vertx vertx;
  protected MemoryBackend backend;
  protected HttpFixture http;
  private HttpServer server;

  protected int windowCapacity() {
    return 1000;
  }

  /** The codecs of the API under test. */
  protected Codecs codecs() {
    return Codecs.jsonOnly();
  }

  /** Adds options to the API under test. */
  protected RestApi configure(RestApi api) {
    return api;
  }

  /** Handlers before the REST API's routes (the apiserver's own, when a test needs them). */
  protected void installBefore(Router router) {
  }

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    backend = new MemoryBackend(windowCapacity());
    Router router = Router.router(vertx);
    installBefore(router);
    configure(RestApi.over(vertx, registry, backend, backend::cache, codecs())
        .withWatchConfig(new WatchConfig(300, 60, 1000))).mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http = new HttpFixture(server.actualPort());
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String pod(String ns, String name, String labels) {
    return HttpFixture.json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','namespace':'" + ns
        + "','labels':{" + labels + "}},'spec':{'containers':[{'name':'c','image':'dekube/web:v1'}]}}");
  }

  static String deployment(String ns, String name, int replicas) {
    return HttpFixture.json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'" + name
        + "','namespace':'" + ns + "'},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':{'app':'" + name
        + "'}},'template':{'metadata':{'labels':{'app':'" + name + "'}},'spec':{'containers':[{'name':'web',"
        + "'image':'dekube/web:v1'}]}}}}");
  }
}
