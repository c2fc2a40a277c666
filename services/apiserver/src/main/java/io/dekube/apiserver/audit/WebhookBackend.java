package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.Pem;
import io.dekube.core.pki.SingleKeyManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * kube's audit webhook backend ({@code --audit-webhook-config-file}): the server of a kubeconfig (its
 * {@code certificate-authority(-data)} or {@code insecure-skip-tls-verify}, a client certificate, a token or a
 * password) gets each batch as an {@code audit.k8s.io/v1} {@code EventList} POSTed as JSON; any failure (a refused
 * connection, a non-2xx answer, a 30 s timeout) is retried with kube's back-off ({@code --audit-webhook-initial-backoff},
 * ×1.5 each time, 20 % jitter, 5 attempts), then the events are dropped and counted
 * ({@code apiserver_audit_error_total{plugin="webhook"}}). Called on the sink's threads, never on an event loop.
 */
final class WebhookBackend implements AuditBackend {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int STEPS = 5;

  private final URI server;
  private final HttpClient client;
  private final String authorization;
  private final Duration initialBackoff;

  private WebhookBackend(URI server, HttpClient client, String authorization, Duration initialBackoff) {
    this.server = server;
    this.client = client;
    this.authorization = authorization;
    this.initialBackoff = initialBackoff;
  }

  /** The backend of a kubeconfig file; kube's words when it cannot be read ("initializing audit webhook: ..."). */
  static WebhookBackend load(Path kubeconfig, Duration initialBackoff) {
    try {
      JsonNode config = Json.YAML.readTree(Files.readString(kubeconfig));
      if (config == null || !config.isObject()) {
        throw new IllegalArgumentException("invalid configuration: no configuration has been provided");
      }
      String contextName = config.path("current-context").asText();
      JsonNode context = named(config.path("contexts"), contextName, "context");
      JsonNode cluster = named(config.path("clusters"), context.path("cluster").asText(), "cluster");
      JsonNode user = named(config.path("users"), context.path("user").asText(), "user");
      String server = cluster.path("server").asText();
      if (server.isEmpty()) {
        throw new IllegalArgumentException("invalid configuration: no configuration has been provided, try setting "
            + "KUBERNETES_MASTER environment variable");
      }
      Path dir = kubeconfig.toAbsolutePath().getParent();
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers(user, dir), trustManagers(cluster, dir), new SecureRandom());
      HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1).build();
      String auth = null;
      if (!user.path("token").asText().isEmpty()) {
        auth = "Bearer " + user.path("token").asText();
      } else if (!user.path("tokenFile").asText().isEmpty()) {
        auth = "Bearer " + Files.readString(dir.resolve(user.path("tokenFile").asText())).trim();
      } else if (!user.path("username").asText().isEmpty()) {
        auth = "Basic " + Base64.getEncoder().encodeToString((user.path("username").asText() + ":"
            + user.path("password").asText()).getBytes(StandardCharsets.UTF_8));
      }
      return new WebhookBackend(URI.create(server), client, auth, initialBackoff);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("initializing audit webhook: stat " + kubeconfig + ": no such file or directory");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("initializing audit webhook: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalArgumentException("initializing audit webhook: " + e.getMessage(), e);
    }
  }

  /** The entry of {@code list} named {@code name} (the only one when no name is set). */
  private static JsonNode named(JsonNode list, String name, String kind) {
    for (JsonNode entry : list) {
      if (entry.path("name").asText().equals(name) || name.isEmpty() && list.size() == 1) {
        return entry.path(kind);
      }
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("invalid configuration: no configuration has been provided, try setting "
          + "KUBERNETES_MASTER environment variable");
    }
    throw new IllegalArgumentException("invalid configuration: " + kind + " \"" + name + "\" was not found");
  }

  private static String pem(JsonNode node, String field, Path dir) throws IOException {
    String data = node.path(field + "-data").asText();
    if (!data.isEmpty()) {
      return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }
    String file = node.path(field).asText();
    return file.isEmpty() ? null : Files.readString(dir.resolve(file));
  }

  private static KeyManager[] keyManagers(JsonNode user, Path dir) throws IOException {
    String cert = pem(user, "client-certificate", dir);
    String key = pem(user, "client-key", dir);
    if (cert == null || key == null) {
      return null;
    }
    return new KeyManager[] {new SingleKeyManager(Pem.parsePrivateKey(key), Pem.parseCertificates(cert))};
  }

  private static TrustManager[] trustManagers(JsonNode cluster, Path dir) throws Exception {
    if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
      return new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }};
    }
    String ca = pem(cluster, "certificate-authority", dir);
    if (ca == null) {
      return null; // the system's roots, as client-go's default
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate c : Pem.parseCertificates(ca)) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  @Override
  public boolean process(List<ObjectNode> events) {
    ObjectNode list = Json.object().put("kind", "EventList").put("apiVersion", AuditOptions.VERSION);
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (ObjectNode e : events) {
      // the items of a list carry no kind of their own, as kube's codec writes them
      ObjectNode item = e.deepCopy();
      item.remove("kind");
      item.remove("apiVersion");
      items.add(item);
    }
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(list);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      AuditMetrics.error(name(), ex.getMessage(), events);
      return false;
    }
    String error = postWithBackoff(body);
    if (error != null) {
      AuditMetrics.error(name(), error, events);
      return false;
    }
    return true;
  }

  /** kube's {@code WithExponentialBackoff} with the audit webhook's "retry on any error": null once a POST succeeds. */
  private String postWithBackoff(byte[] body) {
    double delay = initialBackoff.toNanos();
    String error = null;
    for (int step = 1; step <= STEPS; step++) {
      error = post(body);
      if (error == null || step == STEPS) {
        return error;
      }
      long sleep = (long) (delay + ThreadLocalRandom.current().nextDouble() * 0.2 * delay);
      delay *= 1.5;
      try {
        Thread.sleep(Duration.ofNanos(sleep).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return error;
      }
    }
    return error;
  }

  private String post(byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server).timeout(TIMEOUT)
        .header("Content-Type", "application/json").header("Accept", "application/json, */*")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return null;
      }
      return "the server responded with the status code " + response.statusCode() + ": " + response.body();
    } catch (IOException e) {
      return "Post \"" + server + "\": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "Post \"" + server + "\": interrupted";
    }
  }

  @Override
  public String name() {
    return "webhook";
  }
}
