package io.dekube.apiserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failures of routes become Status responses: thrown exceptions, StatusExceptions and bare codes. */
class StatusFailureHandlerTest {

  private static Vertx vertx;
  private static int port;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new StatusFailureHandler(3 * 1024 * 1024).install(router);
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("boom");
    });
    router.get("/checked").handler(ctx -> ctx.fail(new java.io.IOException("disk gone")));
    router.get("/conflict").handler(ctx -> ctx.fail(new StatusException(409, "Conflict", "try again")));
    router.get("/code").handler(ctx -> ctx.fail(413));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aThrowingHandlerIsAnsweredAsKubesPanicRecoveryAnswers() throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/boom")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(500, r.statusCode());
    assertEquals("This request caused apiserver to panic. Look in the logs for details.\n", r.body());
    assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
  }

  @Test
  void anExceptionThatIsNoPanicIsAnInternalErrorStatus() throws Exception {
    JsonNode status = get("/checked", 500);
    assertEquals("InternalError", status.path("reason").asText());
    assertEquals("Internal error occurred: disk gone", status.path("message").asText());
  }

  @Test
  void statusExceptionIsSentAsIs() throws Exception {
    JsonNode status = get("/conflict", 409);
    assertEquals("Conflict", status.path("reason").asText());
    assertEquals("try again", status.path("message").asText());
  }

  @Test
  void bareCodes() throws Exception {
    assertEquals("RequestEntityTooLarge", get("/code", 413).path("reason").asText());
    assertEquals("NotFound", get("/nothing/here", 404).path("reason").asText());
  }

  private static JsonNode get(String path, int code) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(code, r.statusCode(), r.body());
    JsonNode status = Json.MAPPER.readTree(r.body());
    assertEquals("Status", status.path("kind").asText());
    assertEquals(code, status.path("code").asInt());
    return status;
  }
}
