package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.LineInput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The image's {@code mysql} client ({@link ClientOptions}): with {@code -e SQL} it runs those statements; on a
 * terminal it is the {@code mysql> } monitor — the banner, statements over several lines up to their {@code ;},
 * tables of boxes with {@code N rows in set (0.00 sec)}, {@code use DB}, {@code quit}/{@code exit}/{@code \q} or
 * Ctrl-D ending with {@code Bye}; from a pipe it is batch mode — tab-separated rows, no prompt, the first error
 * ({@code ERROR 1146 (42S02) at line 3: ...}) ends it with 1. Thread-safe: stdin may come on any thread.
 */
final class MysqlCli implements ExecSession {

  private final MysqlClient.Dialer dialer;
  private final MysqlVersion version;
  private final Output out;
  private final boolean tty;
  private final ClientOptions options;
  private final Promise<Integer> exit = Promise.promise();
  private final LineInput input;
  private final StatementSplitter splitter = new StatementSplitter();
  private final Deque<StatementSplitter.Statement> statements = new ArrayDeque<>();
  private MysqlClient client;
  private boolean askingPassword;
  private boolean failed;

  private MysqlCli(MysqlClient.Dialer dialer, MysqlVersion version, Output out, boolean tty, ClientOptions options) {
    this.dialer = dialer;
    this.version = version;
    this.out = out;
    this.tty = tty;
    this.options = options;
    this.input = new LineInput(this, tty, StandardCharsets.UTF_8, s -> {
      if (!askingPassword) {
        out.stdout(Buffer.buffer(s.replace("\n", "\r\n"), "UTF-8"));
      }
    }, this::interrupted);
  }

  /** Starts {@code argv} ({@code mysql ...}). */
  static ExecSession start(MysqlClient.Dialer dialer, MysqlVersion version, List<String> argv, Output out,
                           boolean tty) {
    ClientOptions options = ClientOptions.parse(argv.subList(1, argv.size()));
    MysqlCli cli = new MysqlCli(dialer, version, out, tty, options);
    if (options.unknown != null) {
      cli.err("mysql: [ERROR] " + options.unknown + "\n");
      cli.exit.tryComplete(7);
      return cli;
    }
    if (options.version || options.help) {
      cli.print(version.clientVersion("mysql") + "\n");
      cli.exit.tryComplete(0);
      return cli;
    }
    if (options.passwordOnCommandLine()) {
      cli.err("mysql: [Warning] Using a password on the command line interface can be insecure.\n");
    }
    if (ClientOptions.ASK.equals(options.password)) {
      cli.askingPassword = true;
      cli.input.release();
      cli.print("Enter password: ");
      cli.pump();
      return cli;
    }
    cli.connect();
    return cli;
  }

  private void connect() {
    String db = options.database != null ? options.database : options.words.isEmpty() ? null : options.words.get(0);
    MysqlClient.connect(dialer, options.address(), options.port, options.user, options.password, db)
        .onComplete(ar -> {
          if (ar.failed()) {
            err(ClientErrors.connect(ar.cause(), options) + "\n");
            exit.tryComplete(1);
            return;
          }
          synchronized (this) {
            client = ar.result();
          }
          if (options.execute != null) {
            for (String l : options.execute.split("\n", -1)) {
              statements.addAll(splitter.line(l));
            }
            StatementSplitter.Statement last = splitter.end();
            if (last != null) {
              statements.add(last);
            }
            input.end();
            ready();
          } else if (interactive()) {
            banner().onComplete(v -> ready());
          } else {
            ready();
          }
        });
  }

  private Future<Void> banner() {
    return client.query("select @@version_comment limit 1").otherwise((MysqlClient.Result) null).map(r -> {
      String comment = r != null && r.isRows() && !r.rows().isEmpty() ? " " + r.rows().get(0).get(0) : "";
      print("Welcome to the MySQL monitor.  Commands end with ; or \\g.\n"
          + "Your MySQL connection id is " + client.connectionId() + "\n"
          + "Server version: " + client.serverVersion() + comment + "\n\n"
          + "Copyright (c) 2000, 2024, Oracle and/or its affiliates.\n\n"
          + "Oracle is a registered trademark of Oracle Corporation and/or its\n"
          + "affiliates. Other names may be trademarks of their respective\n"
          + "owners.\n\n"
          + "Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n");
      return null;
    });
  }

  private boolean interactive() {
    return tty && options.execute == null && !options.batch;
  }

  private void ready() {
    boolean more;
    synchronized (this) {
      input.release();
      more = !statements.isEmpty();
    }
    if (!more) {
      prompt();
    }
    pump();
  }

  private void prompt() {
    if (interactive() && !exit.future().isComplete()) {
      out.stdout(Buffer.buffer(splitter.prompt(), "UTF-8"));
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

  /** Ctrl-C: the statement typed so far is dropped, and mysql asks again. */
  private void interrupted() {
    splitter.clear();
    input.clear();
    print("^C\n");
    prompt();
  }

  /** Runs what is ready, one statement at a time; at the end of input the client ends. */
  private void pump() {
    while (true) {
      StatementSplitter.Statement next;
      String line = null;
      synchronized (this) {
        if (exit.future().isComplete()) {
          return;
        }
        if (askingPassword) {
          String pw = input.poll();
          if (pw == null) {
            if (input.ended()) {
              askingPassword = false;
              options.password = "";
              input.hold();
              connect();
            }
            return;
          }
          askingPassword = false;
          options.password = pw;
          input.hold();
          print("\n");
          connect();
          return;
        }
        if (input.held()) {
          return;
        }
        next = statements.poll();
        if (next == null) {
          line = input.take();
          if (line == null) {
            if (input.done()) {
              finish();
            }
            return;
          }
        } else {
          input.hold();
        }
      }
      if (next != null) {
        run(next).onComplete(ar -> ready());
        return;
      }
      if (!clientCommand(line)) {
        List<StatementSplitter.Statement> read = splitter.line(line);
        boolean none;
        synchronized (this) {
          statements.addAll(read);
          input.release();
          none = statements.isEmpty();
        }
        if (none) {
          prompt();
        }
      }
    }
  }

  /** A line of the client's own ({@code quit}, {@code use db}, {@code \c}); false when it is SQL. */
  private boolean clientCommand(String line) {
    if (!splitter.idle() || !isClientCommand(line)) {
      return false;
    }
    splitter.countLine();
    String word = line.strip().replaceAll(";+$", "").strip();
    String lower = word.toLowerCase(Locale.ROOT);
    if (lower.equals("quit") || lower.equals("exit") || lower.equals("\\q")) {
      finish();
      return true;
    }
    if (lower.equals("\\c")) {
      splitter.clear();
      ready();
      return true;
    }
    String db = word.substring(word.indexOf(' ') + 1).strip().replace("`", "");
    client.initDb(db).onComplete(ar -> {
      if (ar.succeeded()) {
        if (interactive()) {
          print("Database changed\n");
        }
      } else {
        error(ar.cause(), splitter.lineNumber());
      }
      ready();
    });
    return true;
  }

  private static boolean isClientCommand(String line) {
    String lower = line.strip().replaceAll(";+$", "").strip().toLowerCase(Locale.ROOT);
    return lower.equals("quit") || lower.equals("exit") || lower.equals("\\q") || lower.equals("\\c")
        || lower.startsWith("use ") || lower.startsWith("\\u ");
  }

  private Future<Void> run(StatementSplitter.Statement s) {
    long started = System.nanoTime();
    return client.query(s.sql()).map(r -> {
      double seconds = (System.nanoTime() - started) / 1e9;
      show(r, s.vertical(), seconds);
      return (Void) null;
    }).recover(e -> {
      error(e, s.line());
      return Future.succeededFuture();
    });
  }

  private void show(MysqlClient.Result r, boolean vertical, double seconds) {
    boolean table = options.table || tty && !options.batch;
    StringBuilder b = new StringBuilder();
    if (r.isRows() && !r.rows().isEmpty()) {
      b.append(vertical ? ResultFormat.vertical(r) : table ? ResultFormat.table(r)
          : ResultFormat.batch(r, options.skipColumnNames || options.silent));
    }
    if (interactive()) {
      b.append(ResultFormat.status(r, seconds)).append('\n');
    }
    if (b.length() > 0) {
      print(b.toString());
    }
  }

  private void error(Throwable e, int line) {
    String text = e instanceof MysqlClient.ServerError se ? se.line() : "ERROR 2013 (HY000): " + e.getMessage();
    if (!interactive()) {
      text = text.replaceFirst("\\): ", ") at line " + line + ": ");
      if (!options.force) {
        synchronized (this) {
          failed = true;
          statements.clear();
          input.clear();
          input.end();
        }
      }
    }
    err(text + "\n");
  }

  private void finish() {
    synchronized (this) {
      if (client != null) {
        client.quit();
        client = null;
      }
    }
    if (interactive()) {
      print("Bye\n");
    }
    exit.tryComplete(failed ? 1 : 0);
  }

  private void print(String text) {
    out.stdout(Buffer.buffer(tty ? text.replaceAll("(?<!\r)\n", "\r\n") : text, "UTF-8"));
  }

  private void err(String text) {
    Buffer b = Buffer.buffer(tty ? text.replaceAll("(?<!\r)\n", "\r\n") : text, "UTF-8");
    if (tty) {
      out.stdout(b);
    } else {
      out.stderr(b);
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return exit.future();
  }

  @Override
  public void kill() {
    synchronized (this) {
      if (client != null) {
        client.quit();
      }
    }
    exit.tryComplete(137);
  }
}
