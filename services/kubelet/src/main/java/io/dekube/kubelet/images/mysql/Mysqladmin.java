package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The image's {@code mysqladmin}, for probes and scripts ({@link ClientOptions}): {@code ping} ({@code mysqld is
 * alive} and 0 while the server answers — even when it refuses the login, as the real one —, else the connect
 * error and 1), {@code status}, {@code version}, {@code create DB}, {@code drop DB} (no question asked). Reads no
 * stdin.
 */
final class Mysqladmin {

  private Mysqladmin() {
  }

  /** Starts {@code argv} ({@code mysqladmin ...}). */
  static ExecSession start(MysqlClient.Dialer dialer, MysqlVersion version, List<String> argv,
                           ExecSession.Output out) {
    ClientOptions o = ClientOptions.parse(argv.subList(1, argv.size()));
    if (o.unknown != null) {
      out.stderr(Buffer.buffer("mysqladmin: [ERROR] " + o.unknown + "\n"));
      return ExecSession.finished(7);
    }
    if (o.version && o.words.isEmpty() || o.help || o.words.isEmpty()) {
      out.stdout(Buffer.buffer(version.clientVersion("mysqladmin") + "\n"));
      return ExecSession.finished(o.words.isEmpty() && !o.version && !o.help ? 1 : 0);
    }
    if (o.passwordOnCommandLine()) {
      out.stderr(Buffer.buffer("mysqladmin: [Warning] Using a password on the command line interface can be "
          + "insecure.\n"));
    }
    String password = ClientOptions.ASK.equals(o.password) ? "" : o.password;
    boolean ping = o.words.get(0).equals("ping");
    Future<Integer> done = MysqlClient.connect(dialer, o.address(), o.port, o.user, password, null)
        .compose(c -> command(c, version, o.words, out).eventually(() -> {
          c.quit();
          return Future.succeededFuture();
        }), e -> {
          if (ping && e instanceof MysqlClient.ServerError se && se.code == 1045) {
            out.stdout(Buffer.buffer("mysqld is alive\n"));
            return Future.succeededFuture(0);
          }
          out.stderr(Buffer.buffer(connectFailed(e, o)));
          return Future.succeededFuture(1);
        });
    return ExecSession.ending(done);
  }

  private static Future<Integer> command(MysqlClient c, MysqlVersion version, List<String> words,
                                         ExecSession.Output out) {
    String command = words.get(0);
    String arg = words.size() > 1 ? words.get(1) : null;
    Future<String> text = switch (command) {
      case "ping" -> c.ping().map("mysqld is alive\n");
      case "status" -> Future.succeededFuture("Uptime: 1  Threads: 1  Questions: 1  Slow queries: 0  Opens: 1  "
          + "Flush tables: 1  Open tables: 1  Queries per second avg: 1.000\n");
      case "version" -> Future.succeededFuture(version.clientVersion("mysqladmin") + "\n\nServer version\t\t"
          + c.serverVersion() + "\nProtocol version\t10\nConnection\t\tLocalhost via UNIX socket\nUNIX socket\t\t"
          + MysqlVersion.SOCKET + "\n");
      case "create" -> arg == null ? Future.failedFuture("Too few arguments to create")
          : c.query("CREATE DATABASE `" + arg + "`").map("");
      case "drop" -> arg == null ? Future.failedFuture("Too few arguments to drop")
          : c.query("DROP DATABASE `" + arg + "`").map("Database \"" + arg + "\" dropped\n");
      default -> Future.failedFuture("Unknown command: '" + command + "'");
    };
    return text.map(t -> {
      out.stdout(Buffer.buffer(t));
      return 0;
    }).recover(e -> {
      String why = e instanceof MysqlClient.ServerError se ? "Error: " + se.getMessage() : e.getMessage();
      out.stderr(Buffer.buffer("mysqladmin: " + (command.equals("create") || command.equals("drop")
          ? command.toUpperCase(java.util.Locale.ROOT) + " DATABASE failed; error: '" + why + "'" : why) + "\n"));
      return Future.succeededFuture(1);
    });
  }

  private static String connectFailed(Throwable e, ClientOptions o) {
    String line = ClientErrors.connect(e, o);
    String message = line.substring(line.indexOf("): ") + 3);
    String where = o.host == null ? "localhost" : o.host;
    String check = o.host == null || o.host.equals("localhost")
        ? "Check that mysqld is running and that the socket: '" + MysqlVersion.SOCKET + "' exists!\n"
        : "Check that mysqld is running on " + o.host + " and that the port is " + o.port + ".\n"
            + "You can check this by doing 'telnet " + o.host + " " + o.port + "'\n";
    return "mysqladmin: connect to server at '" + where + "' failed\nerror: '" + message + "'\n"
        + (line.startsWith("ERROR 200") ? check : "");
  }
}
