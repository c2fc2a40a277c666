package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx program serving the configuration it finds in the container: "Connecting Applications with Services"'
 * {@code bprashanth/nginxhttps:1.0} with its ConfigMap and Secret mounted (HTTPS with the Secret's certificate,
 * checked by a real TLS client and by the built-in curl), a ConfigMap's own server, {@code nginx -s reload}, and the
 * configurations nginx refuses to start with.
 */
class NginxHttpsTest {

  @TempDir
  Path dir;

  /** A Secret's files: a self-signed certificate for {@code my-nginx}, as the tutorial's openssl line makes it. */
  private Path secret(CertificateBundle cert) throws Exception {
    Path ssl = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(ssl.resolve("tls.crt"), cert.certificatePem());
    Files.writeString(ssl.resolve("tls.key"), cert.keyPem());
    return ssl;
  }

  private Path configMap(String defaultConf) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("configmap"));
    Files.writeString(conf.resolve("default.conf"), defaultConf);
    return conf;
  }

  /** A GET over TLS with a client that trusts {@code cert} (not checking the name: the address is an IP). */
  private static String httpsGet(ImageUnderTest t, CertificateBundle cert, String path) throws Exception {
    var client = t.vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(cert.certificatePem()))));
    try {
      return client.request(HttpMethod.GET, 443, t.ip, path).compose(req -> req.send())
          .compose(res -> res.body().map(b -> res.statusCode() + " " + res.getHeader("Server") + "\n" + b))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void theTutorialsSecureNginxServesTheWelcomePageOverHttpsWithTheSecretsCertificate() throws Exception {
    CertificateBundle cert = new CertificateIssuer().newCa("my-nginx");
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.2")) {
      t.etcHosts = "127.0.0.1\tlocalhost\n127.31.41.2\tmy-nginx\n";
      t.start("my-nginx", new ContainerBuilder().withName("nginxhttps").withImage("bprashanth/nginxhttps:1.0")
          .build(), Map.of(), Map.of("/etc/nginx/ssl", secret(cert), "/etc/nginx/conf.d",
          configMap(NginxFiles.HTTPS_DEFAULT_CONF)));
      String https = httpsGet(t, cert, "/");
      assertTrue(https.startsWith("200 nginx/" + NginxPages.DEFAULT_VERSION + "\n")
          && https.contains("<title>Welcome to nginx!</title>"), https);
      assertTrue(httpsGet(t, cert, "/nothing").startsWith("404 "));
      assertEquals(200, t.get(80, "/index2.html").statusCode());
      // the tutorial's check from a pod with the Secret mounted: curl checks the certificate and its CN
      assertTrue(t.exec("curl", "https://my-nginx", "--cacert", "/etc/nginx/ssl/tls.crt")
          .contains("<title>Welcome to nginx!</title>"));
      assertEquals("\u0000curl: (60) SSL: certificate subject name 'my-nginx' does not match target host name "
          + "'localhost'\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the "
          + "legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about"
          + " this situation and\nhow to fix it, please visit the web page mentioned above.\n",
          t.exec("curl", "https://localhost", "--cacert", "/etc/nginx/ssl/tls.crt"));
      assertTrue(t.exec("curl", "-s", "https://my-nginx").isEmpty(), "no --cacert: the self-signed certificate is"
          + " not trusted");
      assertTrue(t.exec("curl", "https://my-nginx").startsWith("\u0000curl: (60) SSL certificate problem: "
          + "self-signed certificate\n"));
      assertTrue(t.exec("curl", "-k", "https://localhost/").contains("<title>Welcome to nginx!</title>"));
      t.awaitLog("nginxhttps", "\"GET / HTTP/1.1\" 200 615 \"-\" \"curl/7.88.1\"");
    }
  }

  @Test
  void aReloadServesTheSecretsNewCertificate() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    CertificateBundle first = issuer.newCa("my-nginx");
    CertificateBundle renewed = issuer.newCa("my-nginx");
    Path ssl = secret(first);
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.9")) {
      t.start("my-nginx", new ContainerBuilder().withName("nginxhttps").withImage("bprashanth/nginxhttps:1.0")
          .build(), Map.of(), Map.of("/etc/nginx/ssl", ssl));
      assertTrue(httpsGet(t, first, "/").startsWith("200 "));
      Files.writeString(ssl.resolve("tls.crt"), renewed.certificatePem());
      Files.writeString(ssl.resolve("tls.key"), renewed.keyPem());
      assertTrue(httpsGet(t, first, "/").startsWith("200 "), "the running nginx keeps the certificate it loaded");
      t.exec("nginx", "-s", "reload");
      assertTrue(httpsGet(t, renewed, "/").startsWith("200 "), "after the reload, the new certificate");
    }
  }

  @Test
  void withoutTheSecretTheSecureNginxExitsWithNginxsError() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.3")) {
      t.start("my-nginx", new ContainerBuilder().withName("nginxhttps").withImage("bprashanth/nginxhttps:1.0")
          .build(), Map.of());
      assertEquals(1, t.exitCode());
      String log = t.log("nginxhttps");
      assertTrue(log.contains(" stderr F nginx: [emerg] cannot load certificate \"/etc/nginx/ssl/tls.crt\": "
          + "BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling "
          + "fopen(/etc/nginx/ssl/tls.crt, r) error:10000080:BIO routines::no such file)"), log);
    }
  }

  @Test
  void aConfigMapsServerIsServedAndReloadedAsNginxReadsIt() throws Exception {
    Path conf = configMap("""
        server {
            listen 8080;
            root /usr/share/nginx/html;
            add_header X-Site one;
            location = /api { default_type application/json; return 200 '{"uri":"$uri","host":"$host"}'; }
            location /old { return 301 /new; }
            location / { try_files $uri $uri/ /index.html; }
        }
        """);
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.4")) {
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx:1.27").build(), Map.of(),
          Map.of("/etc/nginx/conf.d", conf));
      var api = t.get(8080, "/api");
      assertEquals("{\"uri\":\"/api\",\"host\":\"127.31.41.4\"}", api.body());
      assertEquals("application/json", api.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("one", api.headers().firstValue("X-Site").orElseThrow());
      var old = t.get(8080, "/old");
      assertEquals(301, old.statusCode());
      assertEquals("http://127.31.41.4:8080/new", old.headers().firstValue("Location").orElseThrow());
      assertTrue(t.get(8080, "/any/page").body().contains("Welcome to nginx!"), "try_files falls back to /index.html");
      assertEquals(200, t.get(8080, "/50x.html").statusCode());

      Files.writeString(conf.resolve("default.conf"), "server { listen 8081; return 200 'reloaded\\n'; }\n");
      assertEquals("", t.exec("nginx", "-s", "reload").replaceAll("(?s)\u0000.*signal process started\n", ""));
      assertEquals("reloaded\n", t.get(8081, "/").body());

      Files.writeString(conf.resolve("default.conf"), "server { listen 8082; }}\n");
      assertEquals("\u0000nginx: [emerg] unexpected \"}\" in /etc/nginx/conf.d/default.conf:1\n"
          + "nginx: configuration file /etc/nginx/nginx.conf test failed\n", t.exec("nginx", "-t"));
      t.exec("nginx", "-s", "reload");
      t.awaitLog("nginx", "[emerg] 1#1: unexpected \"}\" in /etc/nginx/conf.d/default.conf:1");
      assertEquals("reloaded\n", t.get(8081, "/").body(), "a refused reload keeps the configuration served");
    }
  }

  @Test
  void proxyPassErrorPagesAndAServerLevelRedirect() throws Exception {
    Path conf = configMap("""
        upstream backend { server backend:9099; }
        server {
            listen 80;
            return 301 https://$host$request_uri;
        }
        server {
            listen 8080;
            root /usr/share/nginx/html;
            error_page 404 /50x.html;
            location /api/ {
                proxy_pass http://backend/v1/;
                proxy_set_header X-Real-IP $remote_addr;
            }
            location /down/ { proxy_pass http://127.31.41.7:9098; }
        }
        """);
    var backend = io.vertx.core.Vertx.vertx();
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.7")) {
      backend.createHttpServer().requestHandler(req -> req.response().putHeader("X-Backend", "yes")
          .end(req.uri() + " host=" + req.getHeader("Host") + " real=" + req.getHeader("X-Real-IP")))
          .listen(9099, "127.31.41.8").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      t.etcHosts = "127.0.0.1\tlocalhost\n127.31.41.8\tbackend\n";
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx").build(), Map.of(),
          Map.of("/etc/nginx/conf.d", conf));
      var redirect = t.get(80, "/a/b?c=d");
      assertEquals(301, redirect.statusCode());
      assertEquals("https://127.31.41.7/a/b?c=d", redirect.headers().firstValue("Location").orElseThrow());
      assertTrue(redirect.body().contains("<center><h1>301 Moved Permanently</h1></center>"), redirect.body());
      var proxied = t.get(8080, "/api/items?x=1");
      assertTrue(proxied.body().matches("/v1/items\\?x=1 host=backend real=127\\.[0-9.]+"), proxied.body());
      assertEquals("yes", proxied.headers().firstValue("X-Backend").orElseThrow());
      assertEquals("nginx/" + NginxPages.DEFAULT_VERSION, proxied.headers().firstValue("Server").orElseThrow());
      var missing = t.get(8080, "/nothing.html");
      assertEquals(404, missing.statusCode());
      assertTrue(missing.body().contains("<h1>An error occurred.</h1>"), "error_page's page with the error's status");
      var down = t.get(8080, "/down/x");
      assertEquals(502, down.statusCode());
      assertTrue(down.body().contains("<center><h1>502 Bad Gateway</h1></center>"), down.body());
    } finally {
      backend.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConfigurationNginxRefusesEndsTheContainerWithExitCode1() throws Exception {
    Path conf = configMap("server {\n    listen 80;\n    locaton / { }\n}\n");
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.5")) {
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx").build(), Map.of(),
          Map.of("/etc/nginx/conf.d", conf));
      assertEquals(1, t.exitCode());
      assertTrue(t.log("nginx").contains("stderr F nginx: [emerg] unknown directive \"locaton\" in "
          + "/etc/nginx/conf.d/default.conf:3"), t.log("nginx"));
    }
  }
}
