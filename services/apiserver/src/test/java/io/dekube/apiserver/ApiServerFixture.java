package io.dekube.apiserver;

import io.dekube.apiserver.csrsigning.CsrSigningVerticle;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityAdmission;
import io.dekube.core.informer.Informer;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.kafka.KafkaBrokerExtension;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.apiserver.audit.AuditBackends;
import io.dekube.apiserver.audit.AuditOptions;
import io.dekube.apiserver.audit.AuditPolicy;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A real apiserver front on a free port, with a PKI, a token file and a basic-auth file in a temp
 * directory, and JDK HTTP clients for it.
 */
public final class ApiServerFixture implements AutoCloseable {

  public static final String TOKEN = "s3cr3t-token";
  static final String PASSWORD = "s3cr3t-password";
  /** A token of a ServiceAccount-like user (until ServiceAccount tokens are issued): kube-decon/robot. */
  static final String SA_TOKEN = "r0b0t-token";

  public final Path dir;
  final Vertx vertx;
  final ApiServerVerticle verticle;
  public final ClusterPki pki;
  final ApiServerConfig config;

  private ApiServerFixture(Path dir, Vertx vertx, ApiServerVerticle verticle, ClusterPki pki, ApiServerConfig config) {
    this.dir = dir;
    this.vertx = vertx;
    this.verticle = verticle;
    this.pki = pki;
    this.config = config;
  }

  public static ApiServerFixture start(boolean http2) throws Exception {
    return start(http2, null, null);
  }

  /** With kube-apiserver's service account token flags ({@code --service-account-issuer}...). */
  public static ApiServerFixture start(io.dekube.core.serviceaccount.IssuerOptions issuer) throws Exception {
    return start(true, null, null, issuer);
  }

  /** With audit: {@code auditPolicy} (an audit.k8s.io/v1 Policy file) and its log. */
  public static ApiServerFixture start(boolean http2, Path auditPolicy, Path auditLog) throws Exception {
    return start(http2, auditPolicy, auditLog, io.dekube.core.serviceaccount.IssuerOptions.defaults());
  }

  /**
   * With kube-apiserver's default {@code --enable-aggregator-routing=false}: aggregated APIs are reached at their
   * Service's ClusterIP. The other fixtures route to endpoints, as a kube control plane without kube-proxy must: no
   * kube-proxy serves ClusterIPs here.
   */
  public static ApiServerFixture startRoutingToClusterIps() throws Exception {
    return start(true, null, null, io.dekube.core.serviceaccount.IssuerOptions.defaults(), false);
  }

  private static ApiServerFixture start(boolean http2, Path auditPolicy, Path auditLog,
                                        io.dekube.core.serviceaccount.IssuerOptions issuer) throws Exception {
    return start(http2, auditPolicy, auditLog, issuer, true);
  }

  private static ApiServerFixture start(boolean http2, Path auditPolicy, Path auditLog,
                                        io.dekube.core.serviceaccount.IssuerOptions issuer, boolean toEndpoints)
      throws Exception {
    Path dir = Files.createTempDirectory("dekube-apiserver-test");
    Path tokens = Files.writeString(dir.resolve("tokens.csv"), TOKEN + ",token-user,uid-1,\"dev,ops\"\n"
        + SA_TOKEN + ",system:serviceaccount:kube-decon:robot,uid-3,"
        + "\"system:serviceaccounts,system:serviceaccounts:kube-decon\"\n");
    Path passwords = Files.writeString(dir.resolve("passwords.csv"), PASSWORD + ",basic-user,uid-2,\"dev\"\n");
    ApiServerConfig config = ApiServerConfig.defaults().withPort(0).withPkiDirectory(dir.resolve("pki"))
        .withTokenAuthFile(tokens).withBasicAuthFile(passwords).withHttp2(http2);
    Vertx vertx = Vertx.vertx();
    ApiServerVerticle verticle = onTheBus(vertx, config).withServiceAccountIssuer(issuer)
        .withAggregatorRouting(toEndpoints);
    if (auditPolicy != null) {
      verticle.withAudit(AuditPolicy.load(auditPolicy), AuditBackends.open(new AuditOptions(
          AuditOptions.Log.defaults(auditLog.toString()), AuditOptions.Webhook.defaults(null))));
    }
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
    return new ApiServerFixture(dir, vertx, verticle, ClusterPki.loadOrCreate(config.pkiDirectory()), config);
  }

  /**
   * The apiserver over the shared test broker (the class must be {@code @WithKafka}): bus topics,
   * a writer, a StoreClient and shared informers, as {@code dekube up} wires them.
   */
  static ApiServerVerticle onTheBus(Vertx vertx, ApiServerConfig config) throws Exception {
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    ResourceRegistry registry = ResourceRegistry.builtIn();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    SharedInformers informers = SharedInformers.of(vertx);
    // PodSecurity reads the namespaces' labels and the RuntimeClass admission the RuntimeClasses, as the
    // store of `dekube up` does
    Informer namespaces = informers.informer(bootstrap, registry.byResourceName("namespaces").orElseThrow());
    namespaces.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Informer runtimeClasses = informers.informer(bootstrap,
        registry.byGroupPlural("node.k8s.io", "runtimeclasses").orElseThrow());
    runtimeClasses.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), registry,
            CustomResourceAdmission.chain(registry).andThen(new io.dekube.store.admission.RuntimeClassAdmission(
                name -> runtimeClasses.get("", name))))
            .withValidatingAdmission(new PodSecurityAdmission(ns -> namespaces.get("", ns))))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    StoreClient store = StoreClient.start(vertx, StoreClientOptions.of(bootstrap))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.deployVerticle(new CsrSigningVerticle(config.pkiDirectory(), registry, store,
            type -> informers.informer(bootstrap, type)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.deployVerticle(new io.dekube.apiserver.policystatus.PolicyStatusVerticle(registry, store,
            type -> informers.informer(bootstrap, type)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // the store's health checks probe the bus as in `dekube up`, whose process runs one monitor
    io.dekube.core.bus.BusMonitor bus = io.dekube.core.bus.BusMonitor.start(bootstrap);
    return new ApiServerVerticle(config, registry, store, type -> informers.informer(bootstrap, type))
        .withStoreHealth(bus::failure);
  }

  int port() {
    return verticle.actualPort();
  }

  public String server() {
    return "https://127.0.0.1:" + port();
  }

  /** Writes a kubeconfig for the admin client certificate (CN=admin, O=system:masters) and returns its text. */
  public String adminKubeconfig() throws IOException {
    Path file = KubeconfigWriter.writeAdmin(pki, server(), dir.resolve("admin.kubeconfig"));
    return Files.readString(file);
  }

  /** A client trusting the cluster CA, presenting {@code clientCert} (or nothing when null). */
  public HttpClient client(CertificateBundle clientCert) throws Exception {
    return HttpClient.newBuilder().sslContext(sslContext(pki.ca().certificate(), clientCert))
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  public HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server() + path)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a JSON {@code body} with {@code method} to {@code path} and checks the answer's status. */
  public HttpResponse<String> send(HttpClient client, String method, String path, String body, int expected)
      throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    org.junit.jupiter.api.Assertions.assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
    return r;
  }

  /** An SSL context trusting {@code ca} that always presents {@code clientCert}, whatever CAs the server names. */
  static SSLContext sslContext(X509Certificate ca, CertificateBundle clientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManager[] keyManagers = null;
    if (clientCert != null) {
      keyManagers = new KeyManager[] {new ForcedKeyManager(clientCert)};
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManagers, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    deleteRecursively(dir);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Presents one certificate even when the server names other acceptable issuers. */
  private static final class ForcedKeyManager extends X509ExtendedKeyManager {
    private final CertificateBundle bundle;

    ForcedKeyManager(CertificateBundle bundle) {
      this.bundle = bundle;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {bundle.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return bundle.key();
    }
  }

}
