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

  /** nginx's reason phrases of the statuses it makes pages for. */
  private static final java.util.Map<Integer, String> REASONS = java.util.Map.ofEntries(
      java.util.Map.entry(301, "Moved Permanently"), java.util.Map.entry(302, "Found"),
      java.util.Map.entry(303, "See Other"), java.util.Map.entry(307, "Temporary Redirect"),
      java.util.Map.entry(308, "Permanent Redirect"), java.util.Map.entry(400, "Bad Request"),
      java.util.Map.entry(401, "Authorization Required"), java.util.Map.entry(403, "Forbidden"),
      java.util.Map.entry(404, "Not Found"), java.util.Map.entry(405, "Not Allowed"),
      java.util.Map.entry(408, "Request Time-out"), java.util.Map.entry(413, "Request Entity Too Large"),
      java.util.Map.entry(429, "Too Many Requests"), java.util.Map.entry(500, "Internal Server Error"),
      java.util.Map.entry(501, "Not Implemented"), java.util.Map.entry(502, "Bad Gateway"),
      java.util.Map.entry(503, "Service Temporarily Unavailable"), java.util.Map.entry(504, "Gateway Time-out"));

  /**
   * nginx's own page for {@code code} ({@code <center><h1>404 Not Found</h1></center>}, the version below it), as
   * it answers errors and redirects without an {@code error_page}; empty for a status it has no page for.
   */
  static String status(int code, String version) {
    String reason = REASONS.get(code);
    if (reason == null) {
      return "";
    }
    return "<html>\r\n<head><title>" + code + " " + reason + "</title></head>\r\n<body>\r\n<center><h1>" + code + " "
        + reason + "</h1></center>\r\n<hr><center>nginx/" + version + "</center>\r\n</body>\r\n</html>\r\n";
  }

  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private NginxPages() {
  }

  /** Where the default server's {@code root} is. */
  static final String ROOT = "/usr/share/nginx/html";

  /**
   * The file of the container that a request path names under {@code root} ({@code index.html} of a folder path);
   * {@code .} and {@code ..} resolved, never above the root. httpd's.
   */
  static String document(String root, String path) {
    String clean = resolveDots(path);
    String file = root + (clean.equals("/") ? "" : clean);
    return path.endsWith("/") || path.isEmpty() ? file + "/index.html" : file;
  }

  /** {@code path} with {@code .}, {@code ..} and empty segments resolved ({@code /a/./b//../c} is {@code /a/c}). */
  static String resolveDots(String path) {
    java.util.Deque<String> segs = new java.util.ArrayDeque<>();
    for (String seg : path.split("/")) {
      if (seg.equals("..")) {
        segs.pollLast();
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        segs.addLast(seg);
      }
    }
    return "/" + String.join("/", segs);
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
