package io.dekube.kubelet.server;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.runtime.CriLog;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.ExecStartException;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code /exec} and {@code /attach} over a WebSocket in the channel protocol: exec runs the
 * {@code command} parameters in the container and ends with its exit status on the error channel;
 * attach streams the container's output from now on until it ends or the client goes.
 */
final class ExecStream {

  private ExecStream() {
  }

  static void exec(HttpServerRequest req, ContainerRecord c) {
    List<String> command = req.params().getAll("command");
    RunningContainer run = c.running();
    if (command.isEmpty()) {
      req.response().setStatusCode(400).end("you must specify at least 1 command\n");
      return;
    }
    if (run == null) {
      notFound(req, c);
      return;
    }
    boolean tty = flag(req, "tty");
    req.toWebSocket().onSuccess(ws -> {
      ExecSession session = run.exec(command, output(ws, tty), tty);
      if (!flag(req, "stdin")) {
        session.closeStdin();
      }
      readStdin(ws, session);
      ws.closeHandler(v -> session.kill());
      session.exitCode().onComplete(ar -> {
        int code = ar.succeeded() ? ar.result() : 1;
        ChannelStreams.write(ws, ChannelStreams.ERROR, Buffer.buffer(ar.cause() instanceof ExecStartException e
            ? ChannelStreams.failure("Internal error occurred: " + e.getMessage())
            : ChannelStreams.exitStatus(code, command)));
        if (!ws.isClosed()) {
          ws.close();
        }
      });
    });
  }

  static void attach(Vertx vertx, HttpServerRequest req, ContainerRecord c) {
    RunningContainer run = c.running();
    Path log = c.logFile();
    if (run == null || log == null) {
      notFound(req, c);
      return;
    }
    if (attachStdio(req, run)) {
      return;
    }
    req.toWebSocket().onSuccess(ws -> vertx.executeBlocking(() -> Files.exists(log) ? Files.size(log) : 0L, false)
        .onSuccess(start -> follow(vertx, ws, log, start, run, c)));
  }

  /**
   * Attaches to the container's own stdio when its runtime offers it ({@link RunningContainer#attach}):
   * stdin reaches its program, its output comes live; ends with the container. False: follow the log.
   */
  private static boolean attachStdio(HttpServerRequest req, RunningContainer run) {
    boolean tty = flag(req, "tty");
    boolean wantsStdin = flag(req, "stdin");
    if (!run.attachable()) {
      return false;
    }
    req.toWebSocket().onSuccess(ws -> {
      ExecSession session = run.attach(output(ws, tty));
      if (wantsStdin) {
        readStdin(ws, session);
      }
      ws.closeHandler(v -> session.kill());
      session.exitCode().onComplete(ar -> {
        // the container's exit code is in its status (kubectl run -i reads it there), as the kubelet's attach
        ChannelStreams.write(ws, ChannelStreams.ERROR, Buffer.buffer(ChannelStreams.exitStatus(0, List.of())));
        if (!ws.isClosed()) {
          ws.close();
        }
      });
    });
    return true;
  }

  private static void follow(Vertx vertx, ServerWebSocket ws, Path log, long offset, RunningContainer run,
                             ContainerRecord c) {
    if (ws.isClosed()) {
      return;
    }
    vertx.setTimer(200, t -> vertx.executeBlocking(() -> {
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long len = f.length();
        byte[] b = new byte[(int) Math.max(0, Math.min(len - offset, 1 << 20))];
        f.seek(offset);
        f.readFully(b);
        return b;
      }
    }, false).onComplete(ar -> {
      CriLog.Decoded d = CriLog.decode(ar.succeeded() ? ar.result() : new byte[0]);
      for (CriLog.Entry e : d.entries()) {
        ChannelStreams.write(ws, e.stream().equals("stderr") ? ChannelStreams.STDERR : ChannelStreams.STDOUT,
            Buffer.buffer(e.output(false)));
      }
      if (d.consumed() == 0 && c.running() != run) {
        ChannelStreams.write(ws, ChannelStreams.ERROR, Buffer.buffer(ChannelStreams.exitStatus(0, List.of())));
        ws.close();
        return;
      }
      follow(vertx, ws, log, offset + d.consumed(), run, c);
    }));
  }

  /** Output to the client: stdout and stderr on their channels (on a TTY both on stdout). */
  private static ExecSession.Output output(ServerWebSocket ws, boolean tty) {
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        ChannelStreams.write(ws, ChannelStreams.STDOUT, data);
      }

      @Override
      public void stderr(Buffer data) {
        ChannelStreams.write(ws, tty ? ChannelStreams.STDOUT : ChannelStreams.STDERR, data);
      }
    };
  }

  /**
   * The client's stdin channel to the session; v5's close of channel 0 closes the session's stdin; the resize
   * channel's {@code {"Width":W,"Height":H}} tells it the terminal's size.
   */
  private static void readStdin(ServerWebSocket ws, ExecSession session) {
    ws.binaryMessageHandler(msg -> {
      if (msg.length() == 0) {
        return;
      }
      int channel = msg.getUnsignedByte(0);
      if (channel == ChannelStreams.STDIN) {
        session.stdin(msg.slice(1, msg.length()));
      } else if (channel == ChannelStreams.CLOSE && msg.length() > 1 && msg.getUnsignedByte(1) == 0) {
        session.closeStdin();
      } else if (channel == ChannelStreams.RESIZE) {
        resize(session, msg.slice(1, msg.length()));
      }
    });
  }

  /** A resize message's size to the session; one that is not kubectl's JSON is dropped. */
  static void resize(ExecSession session, Buffer json) {
    try {
      io.vertx.core.json.JsonObject size = new io.vertx.core.json.JsonObject(json);
      session.resize(size.getInteger("Width", 0), size.getInteger("Height", 0));
    } catch (RuntimeException e) {
      // not a terminal size: the size stays (kube's kubelet logs such a message and reads no more sizes)
    }
  }

  /**
   * An exec or attach to a container that is not running: kube's kubelet looks among the running containers only and
   * answers {@code container not found ("NAME")}, 500, which kubectl shows as {@code unable to upgrade connection: …}.
   */
  private static void notFound(HttpServerRequest req, ContainerRecord c) {
    req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("container not found (\"" + c.name() + "\")");
  }

  private static boolean flag(HttpServerRequest req, String name) {
    String v = req.getParam(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }
}
