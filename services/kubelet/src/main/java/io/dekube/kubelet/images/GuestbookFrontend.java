package io.dekube.kubelet.images;

import io.dekube.kubelet.images.redis.RedisClient;
import io.dekube.kubelet.images.redis.Reply;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * {@code us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5} (kube's "PHP Guestbook application with
 * Redis" tutorial; {@code gcr.io/google_samples/gb-frontend:v4} before it): Apache with PHP on port 80 serving the
 * guestbook page ({@code index.html}, {@code controllers.js}) and {@code guestbook.php}, which as the image's PHP
 * does: {@code ?cmd=set&key=K&value=V} sets K on the leader ({@code redis-leader}, v4 {@code redis-master}; with
 * {@code GET_HOSTS_FROM=env} the Service's {@code *_SERVICE_HOST}) and prints {@code {"message": "Updated"}}, any
 * other {@code cmd} reads K from a follower ({@code redis-follower}, v4 {@code redis-slave}) and prints
 * {@code {"data": "V"}} — V pasted in unescaped, empty when there is none —, and no {@code cmd} is phpinfo(). A
 * Redis that cannot be reached is PHP's uncaught Predis exception, shown (the script sets {@code display_errors}).
 * Each request opens its own connection, as Predis in a PHP request does.
 */
final class GuestbookFrontend {

  static final int PORT = 80;
  static final String SERVER = "Apache/2.4.38 (Debian)";
  static final String PHP = "PHP/7.4.7";
  /** The page: a form for a message and the list of them, kept up by {@link #CONTROLLERS_JS}. */
  static final String INDEX = """
      <!DOCTYPE html>
      <html>
        <head>
          <meta charset="utf-8">
          <title>Guestbook</title>
        </head>
        <body>
          <div style="width: 50%; margin-left: 20px">
            <h2>Guestbook</h2>
            <form id="entry">
              <input id="msg" placeholder="Messages" type="text" name="input">
              <button type="submit">Submit</button>
            </form>
            <div id="messages"></div>
          </div>
          <script src="controllers.js"></script>
        </body>
      </html>
      """;
  /**
   * The page's script, doing what the tutorial's does: on load it reads the key {@code messages} (a comma-separated
   * list) through {@code guestbook.php?cmd=get}; Submit appends the new message and writes the whole list back with
   * {@code cmd=set}.
   */
  static final String CONTROLLERS_JS = """
      var messages = [];

      function show() {
        var list = document.getElementById("messages");
        list.innerHTML = "";
        messages.forEach(function (m) {
          var row = document.createElement("div");
          row.textContent = m;
          list.appendChild(row);
        });
      }

      fetch("guestbook.php?cmd=get&key=messages")
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          messages = answer.data ? answer.data.split(",") : [];
          show();
        });

      document.getElementById("entry").addEventListener("submit", function (e) {
        e.preventDefault();
        var input = document.getElementById("msg");
        messages.push(input.value);
        input.value = "";
        show();
        fetch("guestbook.php?cmd=set&key=messages&value=" + encodeURIComponent(messages.join()));
      });
      """;

  private GuestbookFrontend() {
  }

  static Future<Void> start(JvmContainer c, String tag) {
    boolean v4 = tag.matches("v[0-4]");
    String leader = v4 ? "redis-master" : "redis-leader";
    String follower = v4 ? "redis-slave" : "redis-follower";
    PodDialer dialer = new PodDialer(c, 5);
    return ImageServer.serve(c, PORT, req -> answer(c, req, dialer, leader, follower)).onSuccess(v -> {
      for (String line : ApacheLog.startup(ZonedDateTime.now(), "apache2", c.spec().podIp(), "mpm_prefork", "pid 1",
          SERVER + " " + PHP)) {
        GoLog.stderr(c, line);
      }
      c.onStop(() -> {
        GoLog.stderr(c, ApacheLog.stopping(ZonedDateTime.now(), "mpm_prefork", "pid 1"));
        return Future.succeededFuture();
      });
    });
  }

  private static void answer(JvmContainer c, HttpServerRequest req, PodDialer dialer, String leader,
                             String follower) {
    switch (req.path()) {
      case "/", "/index.html" -> respond(c, req, 200, "text/html", INDEX);
      case "/controllers.js" -> respond(c, req, 200, "application/javascript", CONTROLLERS_JS);
      case "/guestbook.php" -> guestbook(c, req, dialer, leader, follower);
      default -> respond(c, req, 404, "text/html; charset=iso-8859-1", notFound(req.path(), c.spec().podIp()));
    }
  }

  private static void guestbook(JvmContainer c, HttpServerRequest req, PodDialer dialer, String leader,
                                String follower) {
    req.response().putHeader("X-Powered-By", PHP);
    String cmd = req.getParam("cmd");
    if (cmd == null) {
      respond(c, req, 200, "text/html; charset=UTF-8", phpinfo());
      return;
    }
    String key = orEmpty(req.getParam("key"));
    boolean set = cmd.equals("set");
    String host = host(c, set ? leader : follower);
    List<String> argv = set ? List.of("SET", key, orEmpty(req.getParam("value"))) : List.of("GET", key);
    RedisClient.call(dialer, host, 6379, argv).onComplete(ar -> {
      String body;
      if (ar.failed()) {
        body = uncaught("Predis\\Connection\\ConnectionException", reason(ar.cause()) + " [tcp://" + host + ":6379]",
            "/usr/local/lib/php/Predis/Connection/AbstractConnection.php", 155);
      } else if (ar.result() instanceof Reply.Error e) {
        body = uncaught("Predis\\Response\\ServerException", e.text(), "/usr/local/lib/php/Predis/Client.php", 370);
      } else if (set) {
        body = "{\"message\": \"Updated\"}";
      } else {
        String value = ar.result() instanceof Reply.Bulk b && b.value() != null ? b.value() : "";
        body = "{\"data\": \"" + value + "\"}";
      }
      respond(c, req, 200, "application/json", body);
    });
  }

  /** The leader's or follower's address as the script finds it: its Service name, or the env's with GET_HOSTS_FROM. */
  private static String host(JvmContainer c, String service) {
    var env = c.spec().env();
    if ("env".equals(env.get("GET_HOSTS_FROM"))) {
      return env.getOrDefault(service.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_SERVICE_HOST", "");
    }
    return service;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof java.net.UnknownHostException) {
      return "php_network_getaddresses: getaddrinfo failed: Name or service not known";
    }
    if (m.contains("refused")) {
      return "Connection refused";
    }
    return m.contains("timed out") ? "Connection timed out" : m;
  }

  /** PHP's report of an uncaught exception with {@code display_errors} on. */
  static String uncaught(String type, String message, String file, int line) {
    return "<br />\n<b>Fatal error</b>:  Uncaught " + type + ": " + message + " in " + file + ":" + line
        + "\nStack trace:\n#0 {main}\n  thrown in <b>" + file + "</b> on line <b>" + line + "</b><br />\n";
  }

  private static String phpinfo() {
    return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"DTD/xhtml1-transitional.dtd\">\n"
        + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head>\n<title>PHP 7.4.7 - phpinfo()</title>"
        + "<meta name=\"ROBOTS\" content=\"NOINDEX,NOFOLLOW,NOARCHIVE\" /></head>\n<body><div class=\"center\">\n"
        + "<table>\n<tr class=\"h\"><td>\n<h1 class=\"p\">PHP Version 7.4.7</h1>\n</td></tr>\n</table>\n"
        + "<table>\n<tr><td class=\"e\">System </td><td class=\"v\">Linux </td></tr>\n"
        + "<tr><td class=\"e\">Server API </td><td class=\"v\">Apache 2.0 Handler </td></tr>\n"
        + "<tr><td class=\"e\">Loaded Configuration File </td><td class=\"v\">(none) </td></tr>\n"
        + "</table>\n</div></body></html>";
  }

  private static void respond(JvmContainer c, HttpServerRequest req, int status, String type, String text) {
    ImageServer.answerAsApache(c, req, SERVER, status, type, text);
  }


  /** Debian Apache's 404 page. */
  static String notFound(String path, String ip) {
    return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n"
        + "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n"
        + "<hr>\n<address>" + SERVER + " Server at " + ip + " Port " + PORT + "</address>\n</body></html>\n";
  }
}
