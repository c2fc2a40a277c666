package io.dekube.apiserver.server;

import io.dekube.core.pki.ClusterPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

/**
 * One HTTPS request to a throw-away server with the apiserver's TLS options, on a free port of
 * 127.0.0.1. A cold JVM needs most of a second for its first TLS handshake (key exchange,
 * signatures, ciphers, Netty's pipeline) and for building the server's SSL context; the launcher
 * runs this while the broker starts, so the real apiserver's first client does not pay for it.
 */
public final class TlsWarmup {

  private TlsWarmup() {
  }

  /**
   * Serves and fetches one request over TLS, then closes both ends; completes either way. Called from a plain
   * thread, it first initializes Netty's JDK SSL context classes there: their static initializers load the JDK's
   * trust store and build a probe key store (1–2 s of a cold JVM's CPU), which would otherwise run on the event
   * loop that builds the first server's SSL context and set off Vert.x's blocked-thread warning on a first start.
   */
  public static Future<Void> run(Vertx vertx, ClusterPki pki, boolean http2) {
    if (!io.vertx.core.Context.isOnEventLoopThread()) {
      for (String name : new String[] {"io.netty.handler.ssl.JdkSslServerContext",
          "io.netty.handler.ssl.JdkSslClientContext"}) {
        try {
          Class.forName(name, true, TlsWarmup.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          // another Netty: the listen below initializes what it needs
        }
      }
    }
    var client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(false)
        .setUseAlpn(http2).setProtocolVersion(http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem()))));
    var server = vertx.createHttpServer(TlsServerOptions.create(pki, "127.0.0.1", 0, http2))
        .requestHandler(req -> req.response().end("ok"));
    return server.listen()
        .compose(s -> client.request(HttpMethod.GET, s.actualPort(), "127.0.0.1", "/warm-up"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .<Void>mapEmpty()
        .eventually(() -> client.close())
        .eventually(() -> server.close());
  }
}
