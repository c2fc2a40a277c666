package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * agnhost's {@code netexec}: HTTP on {@code --http-port} (8080) with {@code /} (the time), {@code /hostname}
 * ({@code /hostName}), {@code /echo?msg=&code=}, {@code /clientip} ({@code ip:port}), {@code /healthz} (200 once
 * the UDP server listens), {@code /redirect?location=&code=}, {@code /shell?cmd=} (the built-in shell, answered as
 * {@code {"output":…,"error":…}}), {@code /exit?code=} and {@code /shutdown} (the container ends with that code);
 * UDP on {@code --udp-port} (8081; -1: none) answering {@code hostname}, {@code echo <msg>} and
 * {@code clientip}. {@code --http-override} answers every request as that path. Not built: {@code /dial},
 * {@code /upload}, SCTP, TLS ({@code --tls-cert-file} is refused).
 */
final class AgnhostNetexec {

  private static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS Z 'UTC'");

  private AgnhostNetexec() {
  }

  static Future<Void> start(JvmContainer c, List<String> args) {
    GoFlags flags = GoFlags.pflag(args, Set.of("http-port", "udp-port", "sctp-port", "http-override",
        "udp-listen-addresses", "tls-cert-file", "tls-private-key-file"), Set.of());
    if (flags.error() != null) {
      return Agnhost.fail(c, 1, "Error: " + flags.error());
    }
    for (String port : List.of("http-port", "udp-port", "sctp-port")) {
      if (!flags.get(port, "-1").matches("-?\\d{1,5}")) {
        return Agnhost.fail(c, 1, "Error: invalid argument \"" + flags.get(port, "") + "\" for \"--" + port
            + "\" flag: strconv.ParseInt: parsing \"" + flags.get(port, "") + "\": invalid syntax");
      }
    }
    if (!flags.get("tls-cert-file", "").isEmpty() || !"-1".equals(flags.get("sctp-port", "-1"))) {
      return Agnhost.fail(c, 1, "dekube's agnhost netexec serves neither HTTPS nor SCTP");
    }
    int httpPort = Integer.parseInt(flags.get("http-port", "8080"));
    int udpPort = Integer.parseInt(flags.get("udp-port", "8081"));
    String override = flags.get("http-override", "");
    Future<Void> udp = udpPort == -1 ? Future.succeededFuture() : udp(c, udpPort);
    GoLog.print(c, "Started HTTP server on port " + httpPort);
    return ImageServer.serve(c, httpPort, req -> answer(c, req, override.isEmpty() ? req.uri() : override, udp))
        .compose(v -> udp);
  }

  private static void answer(JvmContainer c, HttpServerRequest req, String uri, Future<Void> udp) {
    io.vertx.core.MultiMap q = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    new io.netty.handler.codec.http.QueryStringDecoder(uri).parameters().forEach(q::add);
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    var res = req.response().putHeader("Content-Type", "text/plain; charset=utf-8");
    switch (path) {
      case "/hostname", "/hostName" -> {
        GoLog.print(c, "GET " + path);
        res.end(ImageServer.hostname(c));
      }
      case "/clientip" -> {
        GoLog.print(c, "GET /clientip");
        res.end(ImageServer.remoteAddr(req));
      }
      case "/echo" -> echo(c, res, q.get("msg") == null ? "" : q.get("msg"),
          q.get("code") == null ? "" : q.get("code"));
      case "/healthz" -> {
        GoLog.print(c, "GET /healthz");
        res.setStatusCode(udp.succeeded() ? 200 : 412).end();
      }
      case "/redirect" -> {
        String code = q.get("code") == null ? "303" : q.get("code");
        res.setStatusCode(code.matches("3\\d\\d") ? Integer.parseInt(code) : 303)
            .putHeader("Location", q.get("location") == null ? "/" : q.get("location")).end();
      }
      case "/shell" -> shell(c, res, q.get("shellCommand") != null ? q.get("shellCommand") : q.get("cmd"));
      case "/exit", "/shutdown" -> {
        String code = path.equals("/shutdown") || q.get("code") == null ? "0" : q.get("code");
        GoLog.print(c, "GET " + path + (path.equals("/exit") ? "?code=" + code : ""));
        if (!code.matches("\\d{1,3}") || Integer.parseInt(code) > 127) {
          res.end("argument 'code' must be an integer [0-127] or empty, got \"" + code + "\"\n");
          return;
        }
        // os.Exit: the program ends at once, the request unanswered
        req.connection().close().onComplete(v -> c.exit(Integer.parseInt(code)));
      }
      case "/dial", "/upload" -> res.setStatusCode(501).end("dekube's agnhost netexec does not serve " + path + "\n");
      default -> {
        GoLog.print(c, "GET /");
        res.end("NOW: " + NOW.format(ZonedDateTime.now(ZoneOffset.UTC)));
      }
    }
  }

  private static void echo(JvmContainer c, io.vertx.core.http.HttpServerResponse res, String msg, String code) {
    GoLog.print(c, "GET /echo?msg=" + msg + "&code=" + code);
    if (!code.isEmpty()) {
      if (!code.matches("\\d{3}")) {
        res.end("argument 'code' must be an integer or empty, got \"" + code + "\"\n");
        return;
      }
      res.setStatusCode(Integer.parseInt(code));
    }
    res.end(msg);
  }

  /** {@code /shell}: the command in the container's built-in shell, its output and error as JSON. */
  private static void shell(JvmContainer c, io.vertx.core.http.HttpServerResponse res, String cmd) {
    GoLog.print(c, "GET /shell?cmd=" + (cmd == null ? "" : cmd));
    StringBuffer out = new StringBuffer();
    ExecSession session = c.exec(List.of("/bin/sh", "-c", cmd == null ? "" : cmd), new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        out.append(data);
      }

      @Override
      public void stderr(Buffer data) {
        out.append(data);
      }
    });
    session.closeStdin();
    session.exitCode().onComplete(ar -> {
      int code = ar.succeeded() ? ar.result() : 1;
      JsonObject json = new JsonObject();
      if (out.length() > 0) {
        json.put("output", out.toString());
      }
      if (code != 0) {
        json.put("error", "exit status " + code);
      }
      GoLog.print(c, "Output: " + json.encode());
      res.setStatusCode(code == 0 ? 200 : 417).end(json.encode());
    });
  }

  /** The UDP server: {@code hostname}, {@code echo <msg>}, {@code clientip}; completes once it listens. */
  private static Future<Void> udp(JvmContainer c, int port) {
    DatagramSocket socket = c.vertx().createDatagramSocket();
    socket.handler(p -> Refusals.admitted(c, p.sender(), port, "UDP").onSuccess(ok -> {
      if (!ok) {
        return;
      }
      String request = p.data().toString().trim();
      String answer;
      if (request.equals("hostname")) {
        answer = ImageServer.hostname(c);
      } else if (request.startsWith("echo ")) {
        answer = request.substring("echo ".length());
      } else if (request.equals("clientip")) {
        answer = p.sender().hostAddress() + ":" + p.sender().port();
      } else {
        answer = "";
      }
      if (!answer.isEmpty()) {
        socket.send(Buffer.buffer(answer), p.sender().port(), p.sender().hostAddress());
      }
    }));
    c.onStop(socket::close);
    return socket.listen(port, c.spec().podIp()).<Void>mapEmpty()
        .onSuccess(v -> GoLog.print(c, "Started UDP server on port " + port));
  }
}
