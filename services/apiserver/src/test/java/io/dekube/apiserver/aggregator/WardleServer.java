package io.dekube.apiserver.aggregator;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A small aggregated API server for tests, on 127.0.0.1 over HTTPS with its own CA: it serves
 * {@code wardle.example.com/v1alpha1} ({@code flunders}: a list naming the user, groups and client
 * certificate it saw), answers 500 to the discovery of {@code broken.example.com/v1}, and holds
 * {@code .../flunders/slow} until {@link #release}, echoes WebSocket messages under {@code .../echo}. Its OpenAPI is as {@link OpenApi} says.
 */
final class WardleServer implements AutoCloseable {

  static final String GROUP = "wardle.example.com";

  /** What OpenAPI the server serves. */
  enum OpenApi {
    /** None: {@code /openapi/v2} and {@code /openapi/v3} are 404. */
    NONE,
    /** {@code /openapi/v2} only, as metrics-server (kube's aggregator converts it for v3). */
    V2,
    /** {@code /openapi/v2} and {@code /openapi/v3}, as kube's sample-apiserver. */
    V2_AND_V3,
    /** Both are held unanswered until {@link #release}. */
    HANGING
  }

  /** The hash the v3 index gives the group version's document. */
  static final String V3_HASH = "0123456789ABCDEF";

  final CertificateBundle ca;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();
  private final OpenApi openApi;
  /** The X-Remote-User of the last OpenAPI request. */
  volatile String openApiUser;

  /** Serves a certificate for {@code serverName}; client certificates of {@code clientCaPem} are accepted. */
  WardleServer(String serverName, String clientCaPem) throws Exception {
    this(serverName, clientCaPem, OpenApi.V2);
  }

  WardleServer(String serverName, String clientCaPem, OpenApi openApi) throws Exception {
    this(serverName, clientCaPem, openApi, "127.0.0.1", 0);
  }

  /** Listens on {@code host:port} (0: a free one), its certificate naming {@code serverName} and {@code host}. */
  WardleServer(String serverName, String clientCaPem, OpenApi openApi, String host, int port) throws Exception {
    this.openApi = openApi;
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa("wardle-ca");
    CertificateBundle serving = issuer.newServing(ca, "wardle-api", List.of(serverName), List.of(host));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setSsl(true)
            .setClientAuth(ClientAuth.REQUEST)
            .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(Buffer.buffer(clientCaPem)))
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(this::handle);
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  /** Lets the held {@code slow} request answer. */
  void release() {
    held.values().forEach(p -> p.tryComplete());
  }

  /** Whether a {@code slow} request is held now. */
  boolean holding() {
    return !held.isEmpty();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.startsWith("/openapi/")) {
      openApiUser = req.getHeader("X-Remote-User");
    }
    if (path.endsWith("/echo") && req.headers().contains("Upgrade")) {
      echo(req);
    } else if (path.startsWith("/openapi/") && openApi == OpenApi.HANGING) {
      Promise<Void> p = Promise.promise();
      held.put(req.uri() + System.nanoTime(), p);
      p.future().onComplete(v -> json(req, 404, "{}"));
    } else if (path.equals("/openapi/v2") && openApi != OpenApi.NONE) {
      json(req, 200, V2_DOCUMENT);
    } else if (path.equals("/openapi/v3") && openApi == OpenApi.V2_AND_V3) {
      json(req, 200, """
          {"paths":{"apis/wardle.example.com/v1alpha1":{"serverRelativeURL":
           "/openapi/v3/apis/wardle.example.com/v1alpha1?hash=%s"},
           "version":{"serverRelativeURL":"/openapi/v3/version?hash=AA"}}}""".formatted(V3_HASH));
    } else if (path.equals("/openapi/v3/apis/wardle.example.com/v1alpha1") && openApi == OpenApi.V2_AND_V3) {
      json(req, 200, """
          {"openapi":"3.0.0","info":{"title":"Kubernetes","version":"v1.32.0"},"paths":{},
           "components":{"schemas":{"com.example.wardle.v1alpha1.Flunder":{"description":"A Flunder served in v3.",
            "type":"object","properties":{"kind":{"type":"string"},"apiVersion":{"type":"string"}},
            "x-kubernetes-group-version-kind":[{"group":"wardle.example.com","kind":"Flunder","version":"v1alpha1"}]}}}}
          """);
    } else if (path.equals("/apis/" + GROUP + "/v1alpha1")) {
      json(req, 200, """
          {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"wardle.example.com/v1alpha1","resources":[
          {"name":"flunders","singularName":"flunder","namespaced":true,"kind":"Flunder","verbs":["get","list"]},
          {"name":"flunders/status","singularName":"","namespaced":true,"kind":"Flunder","verbs":["get"]}]}""");
    } else if (path.equals("/apis/broken.example.com/v1")) {
      json(req, 500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500}");
    } else if (path.endsWith("/flunders/slow")) {
      Promise<Void> p = Promise.promise();
      held.put(req.uri() + System.nanoTime(), p);
      p.future().onComplete(v -> json(req, 200, "{\"kind\":\"Flunder\",\"metadata\":{\"name\":\"slow\"}}"));
    } else if (path.startsWith("/apis/" + GROUP + "/v1alpha1/")) {
      String cn = "";
      try {
        cn = ((X509Certificate) req.connection().sslSession().getPeerCertificates()[0]).getSubjectX500Principal()
            .getName();
      } catch (Exception e) {
        cn = "none";
      }
      String body = "{\"kind\":\"FlunderList\",\"apiVersion\":\"wardle.example.com/v1alpha1\",\"metadata\":{},"
          + "\"items\":[],\"seen\":{\"user\":\"" + req.getHeader("X-Remote-User") + "\",\"groups\":\""
          + String.join(",", req.headers().getAll("X-Remote-Group")) + "\",\"authorization\":"
          + req.headers().contains("Authorization") + ",\"client\":\"" + cn + "\",\"path\":\"" + req.uri() + "\"}}";
      json(req, 200, body);
    } else {
      json(req, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}");
    }
  }

  /**
   * Its Swagger 2.0 document: the flunders path (and {@code /version/}, which the aggregator leaves
   * out), Flunder with its spec and list, an ObjectMeta other than kube's and a definition no path uses.
   */
  static final String V2_DOCUMENT = """
      {"swagger":"2.0","info":{"title":"Api","version":"v0"},
       "paths":{
        "/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders":{"get":{
          "description":"list or watch objects of kind Flunder","operationId":"listWardleV1alpha1NamespacedFlunder",
          "produces":["application/json"],"parameters":[{"name":"labelSelector","in":"query","type":"string",
          "uniqueItems":true}],
          "responses":{"200":{"description":"OK","schema":{"$ref":"#/definitions/com.example.wardle.v1alpha1.FlunderList"}}},
          "x-kubernetes-action":"list",
          "x-kubernetes-group-version-kind":{"group":"wardle.example.com","kind":"Flunder","version":"v1alpha1"}},
          "parameters":[{"name":"namespace","in":"path","required":true,"type":"string","uniqueItems":true}]},
        "/version/":{"get":{"operationId":"getCodeVersion","responses":{"200":{"description":"OK"}}}}},
       "definitions":{
        "com.example.wardle.v1alpha1.Flunder":{"description":"Flunder is a wardle example object.","type":"object",
          "properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},
           "metadata":{"description":"Standard object's metadata.","default":{},
             "$ref":"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
           "spec":{"$ref":"#/definitions/com.example.wardle.v1alpha1.FlunderSpec"}},
          "x-kubernetes-group-version-kind":[{"group":"wardle.example.com","kind":"Flunder","version":"v1alpha1"}]},
        "com.example.wardle.v1alpha1.FlunderSpec":{"type":"object","properties":{
          "reference":{"description":"A name of another flunder or fischer.","type":"string"}}},
        "com.example.wardle.v1alpha1.FlunderList":{"type":"object","required":["items"],"properties":{
          "items":{"type":"array","items":{"$ref":"#/definitions/com.example.wardle.v1alpha1.Flunder"}}},
          "x-kubernetes-group-version-kind":[{"group":"wardle.example.com","kind":"FlunderList","version":"v1alpha1"}]},
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta":{"description":"Wardle's own ObjectMeta.","type":"object",
          "properties":{"name":{"type":"string"}}},
        "com.example.unused.Thing":{"type":"object"}}}""";

  /**
   * A WebSocket that answers each text message with {@code <user> <path>: <message>} (the
   * {@code X-Remote-User} of the upgrade, its path and query).
   */
  static void echo(HttpServerRequest req) {
    String user = req.getHeader("X-Remote-User");
    String where = req.uri();
    req.toWebSocket().onSuccess(ws -> ws.textMessageHandler(m -> ws.writeTextMessage(user + " " + where + ": " + m)));
  }

  /**
   * Deletes {@code v1alpha1.wardle.example.com} if there is one: the test classes of the module share a store,
   * and several register this group version.
   */
  static void deleteApiService(io.dekube.apiserver.ApiServerFixture server, java.net.http.HttpClient admin)
      throws Exception {
    admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.server()
        + "/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com")).DELETE().build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
  }

  /** Creates a Service with a named https port 443 and its Endpoints at 127.0.0.1:{@code port}. */
  static void service(io.dekube.apiserver.ApiServerFixture server, java.net.http.HttpClient admin, String namespace,
                      String name, int port) throws Exception {
    server.send(admin, "POST", "/api/v1/namespaces/" + namespace + "/services", """
        {"metadata":{"name":"%s"},"spec":{"ports":[{"name":"https","port":443,"targetPort":%d}]}}"""
        .formatted(name, port), 201);
    server.send(admin, "POST", "/api/v1/namespaces/" + namespace + "/endpoints", """
        {"metadata":{"name":"%s"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":%d}]}]}"""
        .formatted(name, port), 201);
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  @Override
  public void close() throws Exception {
    release();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
