package io.dekube.kubelet.images;

import io.vertx.core.http.HttpServerRequest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the built-in {@code nginx} image answers and logs, as the real image's defaults do. Pure. */
final class NginxPages {

  /** The tag when the image names none, or a tag that is not a version ({@code latest}, {@code alpine}). */
  static final String DEFAULT_VERSION = "1.27.3";

  static final String WELCOME = """
      <!DOCTYPE html>
      <html>
      <head>
      <title>Welcome to nginx!</title>
      <style>
      html { color-scheme: light dark; }
      body { width: 35em; margin: 0 auto;
      font-family: Tahoma, Verdana, Arial, sans-serif; }
      </style>
      </head>
      <body>
      <h1>Welcome to nginx!</h1>
      <p>If you see this page, the nginx web server is successfully installed and
      working. Further configuration is required.</p>

      <p>For online documentation and support please refer to
      <a href="http://nginx.org/">nginx.org</a>.<br/>
      Commercial support is available at
      <a href="http://nginx.com/">nginx.com</a>.</p>

      <p><em>Thank you for using nginx.</em></p>
      </body>
      </html>
      """;

  static final String NOT_FOUND = """
      <html>
      <head><title>404 Not Found</title></head>
      <body>
      <center><h1>404 Not Found</h1></center>
      <hr><center>nginx</center>
      </body>
      </html>
      """;

  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private NginxPages() {
  }

  /** The version the image's tag names ({@code 1.25}, {@code 1.25.3-alpine}), else {@link #DEFAULT_VERSION}. */
  static String version(String tag) {
    String v = tag == null ? "" : tag.split("-", 2)[0];
    return v.matches("\\d+(\\.\\d+){0,2}") ? v : DEFAULT_VERSION;
  }

  /** One access-log line in nginx's {@code combined} format. */
  static String accessLog(HttpServerRequest req, int status, int bytes) {
    return accessLog(req.remoteAddress().hostAddress(), ZonedDateTime.now(), req.method().name(), req.uri(),
        switch (req.version()) {
          case HTTP_1_0 -> "HTTP/1.0";
          case HTTP_2 -> "HTTP/2.0";
          default -> "HTTP/1.1";
        }, status, bytes,
        req.getHeader("Referer"), req.getHeader("User-Agent"));
  }

  static String accessLog(String remote, ZonedDateTime time, String method, String uri, String protocol, int status,
                          int bytes, String referer, String agent) {
    return remote + " - - [" + LOG_TIME.format(time) + "] \"" + method + " " + uri + " " + protocol + "\" " + status
        + " " + bytes + " \"" + (referer == null ? "-" : referer) + "\" \"" + (agent == null ? "-" : agent) + "\"";
  }
}
