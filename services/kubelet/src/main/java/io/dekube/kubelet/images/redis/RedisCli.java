package io.dekube.kubelet.images.redis;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.LineInput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * {@code redis-cli} of the redis image, for {@code kubectl exec}: {@code redis-cli [-h host] [-p port] [-a pass]
 * [-n db] [--raw|--no-raw] [cmd args...]} runs one command and prints its reply; without a command it reads
 * commands — on a terminal ({@code exec -it}) with the prompt {@code 127.0.0.1:6379> }, echo and backspace, until
 * {@code quit}, {@code exit}, Ctrl-C or Ctrl-D; from a pipe one a line, without prompt. Replies print as on a
 * terminal or raw ({@link CliFormat}); {@code INFO} always raw. Thread-safe: stdin may come on any thread.
 */
final class RedisCli implements ExecSession {

  private final RedisServer.Dialer dialer;
  private final String version;
  private final Output out;
  private final boolean tty;
  private final Promise<Integer> exit = Promise.promise();
  private final LineInput input;
  private final Deque<Promise<Reply>> waiting = new ArrayDeque<>();
  private String host = "127.0.0.1";
  private int port = 6379;
  private String password;
  private int db;
  private Boolean raw;
  private NetSocket socket;

  private RedisCli(RedisServer.Dialer dialer, String version, Output out, boolean tty) {
    this.dialer = dialer;
    this.version = version;
    this.out = out;
    this.tty = tty;
    // linenoise's part: echo (Enter as \r\n), backspace; Ctrl-C, and Ctrl-D on an empty line, end redis-cli
    this.input = new LineInput(this, tty, StandardCharsets.ISO_8859_1,
        s -> out.stdout(Buffer.buffer(s.replace("\n", "\r\n"), "ISO-8859-1")), this::interrupted);
  }

  private void interrupted() {
    input.end();
  }

  /** Starts {@code argv} ({@code redis-cli ...}). */
  static ExecSession start(RedisServer.Dialer dialer, String version, List<String> argv, Output out, boolean tty) {
    RedisCli cli = new RedisCli(dialer, version, out, tty);
    List<String> command = new ArrayList<>();
    String bad = cli.options(argv.subList(1, argv.size()), command);
    if (bad != null) {
      cli.print(bad);
      cli.exit.tryComplete(bad.startsWith("redis-cli ") ? 0 : 1);
      return cli;
    }
    if (!command.isEmpty()) {
      // one command: stdin stays held, so it is not read and its end (exec without -i) ends nothing
      cli.connect().onComplete(ar -> {
        if (ar.failed()) {
          cli.exit.tryComplete(1);
          return;
        }
        cli.send(command).onComplete(r -> {
          cli.print(r.succeeded() ? cli.format(command.get(0), r.result()) : "Error: Server closed the connection\n");
          cli.close();
          cli.exit.tryComplete(r.succeeded() ? 0 : 1);
        });
      });
      return cli;
    }
    cli.connect().onComplete(ar -> {
      cli.input.release();
      cli.prompt();
      cli.pump();
    });
    return cli;
  }

  /** Reads the options; the command's words go to {@code command}; an error or the version to print, else null. */
  private String options(List<String> args, List<String> command) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean more = i + 1 < args.size();
      if (!command.isEmpty() || !a.startsWith("-") || a.equals("-")) {
        command.add(a);
      } else if (a.equals("-h") && more) {
        host = args.get(++i);
      } else if (a.equals("-p") && more && args.get(i + 1).matches("\\d{1,5}")) {
        port = Integer.parseInt(args.get(++i));
      } else if ((a.equals("-a") || a.equals("--pass")) && more) {
        password = args.get(++i);
      } else if (a.equals("-n") && more && args.get(i + 1).matches("\\d+")) {
        db = Integer.parseInt(args.get(++i));
      } else if (a.equals("--raw")) {
        raw = true;
      } else if (a.equals("--no-raw")) {
        raw = false;
      } else if (a.equals("-v") || a.equals("--version")) {
        return "redis-cli " + version + "\n";
      } else if (a.equals("--no-auth-warning")) {
        continue;
      } else {
        return "Unrecognized option or bad number of args for: '" + a + "'\n";
      }
    }
    return null;
  }

  private Future<Void> connect() {
    if (password != null) {
      print("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
    }
    return dialer.connect(host, port).compose(s -> {
      synchronized (this) {
        socket = s;
      }
      RespParser parser = new RespParser(false, this::replied);
      s.handler(data -> {
        try {
          parser.feed(data);
        } catch (RespParser.ProtocolException e) {
          s.close();
        }
      });
      s.closeHandler(v -> {
        synchronized (this) {
          socket = null;
          waiting.forEach(p -> p.tryFail("closed"));
          waiting.clear();
        }
      });
      Future<Void> auth = password == null ? Future.succeededFuture()
          : send(List.of("AUTH", password)).compose(r -> r instanceof Reply.Error e
              ? fail("AUTH failed: " + e.text()) : Future.succeededFuture());
      return auth.compose(v -> db == 0 ? Future.<Void>succeededFuture() : send(List.of("SELECT",
          Integer.toString(db))).compose(r -> r instanceof Reply.Error e ? fail(e.text())
          : Future.<Void>succeededFuture()));
    }).onFailure(e -> {
      if (!String.valueOf(e.getMessage()).startsWith("AUTH failed")) {
        print("Could not connect to Redis at " + host + ":" + port + ": " + reason(e) + "\n");
      } else {
        print(e.getMessage() + "\n");
      }
    });
  }

  private Future<Void> fail(String message) {
    return Future.failedFuture(new IllegalStateException(message));
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("refused")) {
      return "Connection refused";
    }
    if (e instanceof java.net.UnknownHostException || m.contains("Name or service not known")) {
      return "Name or service not known";
    }
    return m.contains("timed out") ? "Connection timed out" : m;
  }

  private synchronized void replied(Reply r) {
    Promise<Reply> p = waiting.poll();
    if (p != null) {
      p.tryComplete(r);
    }
  }

  private Future<Reply> send(List<String> argv) {
    Promise<Reply> p = Promise.promise();
    synchronized (this) {
      if (socket == null) {
        return Future.failedFuture("not connected");
      }
      waiting.add(p);
      socket.write(Reply.command(argv));
    }
    return p.future();
  }

  private String format(String command, Reply r) {
    boolean asRaw = raw != null ? raw : !tty;
    if (command.equalsIgnoreCase("info") && r instanceof Reply.Bulk) {
      return CliFormat.raw(r) + "\n";
    }
    return asRaw ? CliFormat.raw(r) + "\n" : CliFormat.tty(r, version);
  }

  private void print(String text) {
    out.stdout(Buffer.buffer(tty ? text.replaceAll("(?<!\r)\n", "\r\n") : text, "ISO-8859-1"));
  }

  private void prompt() {
    if (tty && !exit.future().isComplete()) {
      String where = socket == null ? "not connected" : host + ":" + port + (db == 0 ? "" : "[" + db + "]");
      out.stdout(Buffer.buffer(where + "> "));
    }
  }

  @Override
  public void stdin(Buffer data) {
    input.feed(data);
    pump();
  }

  @Override
  public void closeStdin() {
    input.close();
    pump();
  }

  /** Runs the next line once the one before has its answer; at the end of input redis-cli exits. */
  private void pump() {
    if (exit.future().isComplete()) {
      return;
    }
    String line = input.take();
    if (line == null) {
      if (input.done()) {
        close();
        exit.tryComplete(0);
      }
      return;
    }
    run(line).onComplete(ar -> {
      input.release();
      prompt();
      pump();
    });
  }

  private Future<Void> run(String line) {
    List<String> argv = ArgSplitter.split(line);
    if (argv == null) {
      print("Invalid argument(s)\n");
      return Future.succeededFuture();
    }
    if (argv.isEmpty()) {
      return Future.succeededFuture();
    }
    String name = argv.get(0).toLowerCase(Locale.ROOT);
    if (name.equals("quit") || name.equals("exit")) {
      close();
      exit.tryComplete(0);
      return Future.succeededFuture();
    }
    Future<Void> ready = socket != null ? Future.succeededFuture() : connect();
    return ready.compose(v -> send(argv)).map(r -> {
      if (name.equals("select") && !(r instanceof Reply.Error)) {
        db = Integer.parseInt(argv.get(1));
      }
      print(format(argv.get(0), r));
      return (Void) null;
    }).recover(e -> Future.succeededFuture());
  }

  private synchronized void close() {
    if (socket != null) {
      socket.close();
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return exit.future();
  }

  @Override
  public void kill() {
    close();
    exit.tryComplete(137);
  }
}
