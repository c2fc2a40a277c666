package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/** A small HTTP client for the REST tests: JSON requests, Status checks, watch streams as line queues. */
final class HttpFixture {

  /** A response: status code, parsed body (null when not JSON), headers. */
  record Res(int code, ObjectNode body, String raw, HttpResponse<String> http) {
    List<String> header(String name) {
      return http.headers().allValues(name);
    }
  }

  /** A running watch: its lines as they arrive. */
  record Watch(HttpResponse<Stream<String>> response, BlockingQueue<String> lines) {
    ObjectNode next(Duration timeout) throws Exception {
      String line = lines.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("no watch event within " + timeout);
      }
      return line.equals(END) ? null : (ObjectNode) Json.MAPPER.readTree(line);
    }
  }

  static final String END = "<end of stream>";

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final int port;

  HttpFixture(int port) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  Res send(String method, String path, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    ObjectNode parsed = null;
    try {
      parsed = r.body().isEmpty() ? null : (ObjectNode) Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      // not JSON
    }
    return new Res(r.statusCode(), parsed, r.body(), r);
  }

  Res get(String path, String... headers) throws Exception {
    return send("GET", path, null, null, headers);
  }

  Res post(String path, String json) throws Exception {
    return send("POST", path, "application/json", json);
  }

  Res put(String path, String json) throws Exception {
    return send("PUT", path, "application/json", json);
  }

  Res patch(String path, String type, String json) throws Exception {
    return send("PATCH", path, type, json);
  }

  Res delete(String path) throws Exception {
    return send("DELETE", path, null, null);
  }

  Watch watch(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<Stream<String>> r = client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try {
        r.body().forEach(q::add);
      } catch (Exception e) {
        // stream closed
      }
      q.add(END);
    }, "watch-reader");
    t.setDaemon(true);
    t.start();
    return new Watch(r, q);
  }

  /** Asserts a Status failure: code, reason and a message fragment. */
  static void assertStatus(Res r, int code, String reason, String message) {
    assertEquals(code, r.code(), r.raw());
    assertEquals("Status", r.body().path("kind").asText(), r.raw());
    assertEquals(reason, r.body().path("reason").asText(), r.raw());
    assertEquals(code, r.body().path("code").asInt(), r.raw());
    if (!r.body().path("message").asText().contains(message)) {
      throw new AssertionError("message \"" + r.body().path("message").asText() + "\" lacks \"" + message + "\"");
    }
  }

  static String json(String s) {
    return s.replace('\'', '"');
  }
}
