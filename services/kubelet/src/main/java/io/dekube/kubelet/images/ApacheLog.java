package io.dekube.kubelet.images;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Apache httpd writes in a container ({@code httpd} and {@code php:apache}, which {@code hpa-example} is
 * built on): its start-up notices on stderr and one access-log line per request on stdout, in the {@code common}
 * format ({@code httpd}) or Debian's {@code combined} one ({@code %O}: bytes sent with the headers). Pure.
 */
public final class ApacheLog {

  private static final DateTimeFormatter ACCESS_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
  private static final DateTimeFormatter ERROR_TIME =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss.SSSSSS yyyy", Locale.ROOT);

  private ApacheLog() {
  }

  /**
   * The lines Apache prints as it starts without a {@code ServerName}: {@code binary} is {@code httpd} or
   * {@code apache2}, {@code mpm} its MPM ({@code mpm_event}), {@code process} the notices' {@code pid 1:tid 1}.
   */
  public static List<String> startup(ZonedDateTime now, String binary, String ip, String mpm, String process,
                              String version) {
    String fqdn = "AH00558: " + binary + ": Could not reliably determine the server's fully qualified domain name, "
        + "using " + ip + ". Set the 'ServerName' directive globally to suppress this message";
    return List.of(fqdn, fqdn,
        notice(now, mpm, process) + "AH00163: " + version + " configured -- resuming normal operations",
        notice(now, "core", process) + "AH00094: Command line: '" + binary + " -D FOREGROUND'");
  }

  /** The notice of a graceful stop (the images' STOPSIGNAL is SIGWINCH). */
  public static String stopping(ZonedDateTime now, String mpm, String process) {
    return notice(now, mpm, process) + "AH00170: caught SIGWINCH, shutting down gracefully";
  }

  private static String notice(ZonedDateTime now, String module, String process) {
    return "[" + ERROR_TIME.format(now.withZoneSameInstant(ZoneOffset.UTC)) + "] [" + module + ":notice] [" + process
        + "] ";
  }

  /** {@code %h %l %u %t "%r" %>s %b}: {@code -} for an empty body. */
  static String common(String remote, ZonedDateTime time, String requestLine, int status, long bodyBytes) {
    return remote + " - - [" + ACCESS_TIME.format(time) + "] \"" + requestLine + "\" " + status + " "
        + (bodyBytes == 0 ? "-" : Long.toString(bodyBytes));
  }

  /** {@code %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"}. */
  public static String combined(String remote, ZonedDateTime time, String requestLine, int status, long sentBytes,
                         String referer, String agent) {
    return remote + " - - [" + ACCESS_TIME.format(time) + "] \"" + requestLine + "\" " + status + " " + sentBytes
        + " \"" + (referer == null ? "-" : referer) + "\" \"" + (agent == null ? "-" : agent) + "\"";
  }

  /** {@code %r}: the request line as received. */
  public static String requestLine(HttpServerRequest req) {
    return req.method().name() + " " + req.uri() + " " + ImageServer.protocol(req);
  }

  /**
   * The bytes of a response sent with {@code body} bytes: status line, the headers set so far (set
   * {@code Content-Length} first), the blank line, the body.
   */
  public static long sentBytes(HttpServerResponse response, long body) {
    long n = ("HTTP/1.1 " + response.getStatusCode() + " " + response.getStatusMessage() + "\r\n").length() + 2 + body;
    for (Map.Entry<String, String> h : response.headers()) {
      n += h.getKey().length() + 2 + h.getValue().length() + 2;
    }
    return n;
  }
}
