package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Nmap's {@code ncat}, as the replicated-MySQL page uses it: {@code ncat [--recv-only] HOST PORT} connects from the
 * pod (its resolver, its NetworkPolicies) and copies what arrives to stdout (and, without {@code --recv-only}, stdin
 * to the peer), ending when the peer closes; {@code ncat --listen [--keep-open] [--send-only] [--max-conns=N] PORT
 * -c CMD} listens on the pod IP and runs {@code CMD} with {@code /bin/sh} for each connection, its stdout sent to
 * the peer, the connection closed when it ends; connections beyond {@code --max-conns} are closed at once. Runs on
 * the container's context.
 */
final class Ncat {

  private final JvmContainer c;
  private final MysqlImage.Admission admission;
  private final ExecSession.Output out;
  private final Promise<Integer> exit = Promise.promise();
  private boolean listen;
  private boolean keepOpen;
  private boolean sendOnly;
  private boolean recvOnly;
  private int maxConns = 100;
  private String command;
  private final List<String> words = new ArrayList<>();
  private NetServer server;
  private NetSocket socket;

  private Ncat(JvmContainer c, MysqlImage.Admission admission, ExecSession.Output out) {
    this.c = c;
    this.admission = admission;
    this.out = out;
  }

  static ExecSession start(JvmContainer c, MysqlImage.Admission admission, List<String> argv, ExecSession.Output out) {
    Ncat n = new Ncat(c, admission, out);
    String bad = n.parse(argv.subList(1, argv.size()));
    if (bad != null) {
      out.stderr(Buffer.buffer("Ncat: " + bad + " QUITTING.\n"));
      return ExecSession.finished(2);
    }
    if (n.listen) {
      n.listen();
    } else {
      n.connect();
    }
    return n.session();
  }

  private String parse(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-l", "--listen" -> listen = true;
        case "-k", "--keep-open" -> keepOpen = true;
        case "--send-only" -> sendOnly = true;
        case "--recv-only" -> recvOnly = true;
        case "-c", "--sh-exec", "-e", "--exec" -> {
          if (i + 1 >= args.size()) {
            return "Option '" + a + "' requires an argument.";
          }
          command = args.get(++i);
        }
        case "-m", "--max-conns" -> {
          if (i + 1 >= args.size()) {
            return "Option '" + a + "' requires an argument.";
          }
          maxConns = Integer.parseInt(args.get(++i));
        }
        default -> {
          if (a.startsWith("--max-conns=")) {
            maxConns = Integer.parseInt(a.substring(12));
          } else if (a.startsWith("--sh-exec=") || a.startsWith("--exec=")) {
            command = a.substring(a.indexOf('=') + 1);
          } else if (a.startsWith("-") && a.length() > 1) {
            return "Unrecognized option '" + a + "'.";
          } else {
            words.add(a);
          }
        }
      }
    }
    if (words.isEmpty() || !words.get(words.size() - 1).matches("\\d{1,5}")) {
      return listen ? "Invalid port number." : "You must specify a host to connect to.";
    }
    return null;
  }

  private void connect() {
    String host = words.get(0);
    int port = Integer.parseInt(words.get(words.size() - 1));
    new PodDialer(c, 10).connect(host, port).onComplete(ar -> {
      if (ar.failed()) {
        String why = String.valueOf(ar.cause().getMessage());
        out.stderr(Buffer.buffer(why.contains("resolve") || why.contains("nknown host")
            ? "Ncat: Could not resolve hostname \"" + host + "\": Name or service not known. QUITTING.\n"
            : why.contains("timed out") ? "Ncat: TIMEOUT.\n" : "Ncat: Connection refused.\n"));
        exit.tryComplete(1);
        return;
      }
      socket = ar.result();
      if (!sendOnly) {
        socket.handler(out::stdout);
      }
      socket.closeHandler(v -> exit.tryComplete(0));
      socket.resume();
    });
  }

  private void listen() {
    int port = Integer.parseInt(words.get(words.size() - 1));
    AtomicInteger active = new AtomicInteger();
    server = c.vertx().createNetServer(new NetServerOptions().setHost(c.spec().podIp()).setPort(port)
        .setReuseAddress(true));
    server.connectHandler(admission.admit(port, peer -> {
      if (active.incrementAndGet() > maxConns) {
        active.decrementAndGet();
        peer.close();
        return;
      }
      peer.closeHandler(v -> active.decrementAndGet());
      if (sendOnly) {
        peer.handler(b -> { });
      }
      if (command == null) {
        peer.handler(out::stdout);
        return;
      }
      ExecSession program = c.exec(List.of("/bin/sh", "-c", command), new ExecSession.Output() {
        @Override
        public void stdout(Buffer data) {
          peer.write(data);
        }

        @Override
        public void stderr(Buffer data) {
          out.stderr(data);
        }
      });
      program.closeStdin();
      program.exitCode().onComplete(ar -> {
        peer.end();
        if (!keepOpen) {
          server.close();
          exit.tryComplete(0);
        }
      });
    }));
    server.listen().onFailure(e -> {
      out.stderr(Buffer.buffer("Ncat: bind to 0.0.0.0:" + port + ": Address already in use. QUITTING.\n"));
      exit.tryComplete(2);
    });
  }

  private ExecSession session() {
    return new ExecSession() {
      @Override
      public void stdin(Buffer data) {
        if (socket != null && !recvOnly) {
          socket.write(data);
        }
      }

      @Override
      public void closeStdin() {
      }

      @Override
      public Future<Integer> exitCode() {
        return exit.future();
      }

      @Override
      public void kill() {
        if (server != null) {
          server.close();
        }
        if (socket != null) {
          socket.close();
        }
        exit.tryComplete(137);
      }
    };
  }
}
