package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "Learn Kubernetes Basics" tutorial's app: {@code gcr.io/google-samples/kubernetes-bootcamp:v1} and
 * {@code docker.io/jocatalin/kubernetes-bootcamp:v1|v2}, a Node.js {@code server.js} in the image's root folder
 * listening on 8080 (whatever {@code PORT} says), answering every request with
 * {@code Hello Kubernetes bootcamp! | Running on: <hostname> | v=<version>} and logging its start and each
 * request (the running count, the uptime) as its {@code console.log} lines do. Other tags do not exist (the
 * tutorial's {@code :v10} must fail to pull): {@link #tagExists}.
 */
final class KubernetesBootcamp {

  static final int PORT = 8080;

  private KubernetesBootcamp() {
  }

  /** Whether {@code repository} has {@code tag}: v1 for google-samples', v1 and v2 for jocatalin's. */
  static boolean tagExists(String repository, String tag) {
    return tag.equals("v1") || (tag.equals("v2") && repository.endsWith("jocatalin/kubernetes-bootcamp"));
  }

  /** The version the answer ends with: {@code 2} for {@code v2}, else 1. */
  static String version(String tag) {
    return "v2".equals(tag) ? "2" : "1";
  }

  static Future<Void> start(JvmContainer c, String tag) {
    // `node server.js` as PID 1 with no process.on('SIGTERM'): node installs no handler, so the kernel drops the
    // signal and a deleted pod runs on until its grace period's SIGKILL (137), as on kube
    c.noSigtermHandler();
    String host = ImageServer.hostname(c);
    String body = answer(host, version(tag));
    AtomicLong requests = new AtomicLong();
    Instant started = Instant.now();
    return ImageServer.serve(c, PORT, req -> {
      req.response().putHeader("Content-Type", "text/plain").setChunked(true).end(body);
      Instant now = Instant.now();
      c.log().line("Running On: " + host + " | Total Requests: " + requests.incrementAndGet() + " | App Uptime: "
          + seconds(started, now) + " seconds | Log Time: " + iso(now));
    }).onSuccess(v -> c.log().line("Kubernetes Bootcamp App Started At: " + iso(started) + " | Running On:  " + host
        + " \n\n"));
  }

  static String answer(String host, String version) {
    return "Hello Kubernetes bootcamp! | Running on: " + host + " | v=" + version + "\n";
  }

  /** How Node prints a Date: ISO 8601 in UTC, milliseconds. */
  private static String iso(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS).toString().replaceFirst("(\\d\\d:\\d\\d:\\d\\d)Z$", "$1.000Z");
  }

  /** The uptime as JavaScript prints a number of seconds: {@code 12.345}, {@code 3}. */
  private static String seconds(Instant from, Instant to) {
    long ms = java.time.Duration.between(from, to).toMillis();
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros()
        .toPlainString();
  }

  /** The image's {@code /server.js}, as {@code cat server.js} shows it; what {@link #start} does. */
  static String serverJs(String tag) {
    return """
        // kubernetes-bootcamp: answers every request with the pod's hostname and the app's version
        var http = require('http');
        var served = 0;
        var started;
        var host;

        function answer(request, response) {
          response.setHeader('Content-Type', 'text/plain');
          response.writeHead(200);
          response.write('Hello Kubernetes bootcamp! | Running on: ');
          response.write(host);
          response.end(' | v=%s\\n');
          console.log('Running On:', host, '| Total Requests:', ++served, '| App Uptime:',
              (new Date() - started) / 1000, 'seconds', '| Log Time:', new Date());
        }

        http.createServer(answer).listen(8080, function () {
          started = new Date();
          host = process.env.HOSTNAME;
          console.log('Kubernetes Bootcamp App Started At:', started, '| Running On: ', host, '\\n');
        });
        """.formatted(version(tag));
  }
}
