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

  /** Where the default server's {@code root} is. */
  static final String ROOT = "/usr/share/nginx/html";

  /**
   * The file of the container that a request path names under {@link #ROOT} ({@code index.html} of a folder path);
   * {@code .} and {@code ..} resolved, never above the root.
   */
  static String document(String path) {
    return document(ROOT, path);
  }

  /** The same under another document {@code root} (httpd's). */
  static String document(String root, String path) {
    java.util.Deque<String> segs = new java.util.ArrayDeque<>();
    for (String seg : path.split("/")) {
      if (seg.equals("..")) {
        segs.pollLast();
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        segs.addLast(seg);
      }
    }
    String file = root + (segs.isEmpty() ? "" : "/" + String.join("/", segs));
    return path.endsWith("/") || path.isEmpty() ? file + "/index.html" : file;
  }

  /** Types by extension, from the image's {@code /etc/nginx/mime.types} ({@link NginxFiles#MIME_TYPES}). */
  private static final java.util.Map<String, String> TYPES = types(NginxFiles.MIME_TYPES);

  /**
   * The Content-Type the image's mime.types gives a file of that name ({@code application/octet-stream}, nginx.conf's
   * {@code default_type}, otherwise).
   */
  static String contentType(String file) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /** The extensions of a {@code types { TYPE EXT…; }} block and their types. */
  static java.util.Map<String, String> types(String mimeTypes) {
    java.util.Map<String, String> byExtension = new java.util.HashMap<>();
    String body = mimeTypes.replaceAll("#[^\n]*", "");
    body = body.substring(body.indexOf('{') + 1, body.lastIndexOf('}'));
    for (String entry : body.split(";")) {
      String[] words = entry.trim().split("\\s+");
      for (int i = 1; i < words.length; i++) {
        byExtension.putIfAbsent(words[i], words[0]);
      }
    }
    return java.util.Map.copyOf(byExtension);
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
