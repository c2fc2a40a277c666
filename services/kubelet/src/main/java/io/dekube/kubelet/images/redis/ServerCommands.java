package io.dekube.kubelet.images.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connection and server commands: PING, ECHO, SELECT, AUTH, QUIT, CLIENT SETNAME/GETNAME/ID, DBSIZE,
 * FLUSHALL, FLUSHDB, INFO, CONFIG GET/SET/RESETSTAT/REWRITE, TIME, COMMAND, and replication's REPLICAOF
 * (SLAVEOF), ROLE, REPLCONF, PSYNC and SYNC.
 */
final class ServerCommands {

  private ServerCommands() {
  }

  static void register(Map<String, Command> table) {
    add(table, "ping", -1, false, c -> c.argc() > 2 ? Command.wrongArity("ping")
        : c.argc() == 2 ? Reply.bulk(c.arg(1)) : new Reply.Status("PONG"));
    add(table, "echo", 2, false, c -> Reply.bulk(c.arg(1)));
    add(table, "select", 2, false, ServerCommands::select);
    add(table, "auth", -2, false, ServerCommands::auth);
    add(table, "quit", -1, false, c -> {
      c.session.closing = true;
      return Reply.OK;
    });
    add(table, "client", -2, false, ServerCommands::client);
    add(table, "dbsize", 1, false, c -> Reply.integer(c.keys().size(c.db())));
    add(table, "flushall", -1, true, c -> {
      c.keys().flushAll();
      return Reply.OK;
    });
    add(table, "flushdb", -1, true, c -> {
      c.keys().flush(c.db());
      return Reply.OK;
    });
    add(table, "info", -1, false, c -> Reply.bulk(RedisInfo.render(c.server, c.argc() > 1 ? c.arg(1) : "default")));
    add(table, "config", -2, false, ServerCommands::config);
    add(table, "time", 1, false, c -> {
      long micros = c.keys().now() * 1000;
      return Reply.bulks(List.of(Long.toString(micros / 1_000_000), Long.toString(micros % 1_000_000)));
    });
    add(table, "command", -1, false, ServerCommands::command);
    add(table, "replicaof", 3, false, ServerCommands::replicaof);
    add(table, "slaveof", 3, false, ServerCommands::replicaof);
    add(table, "role", 1, false, ServerCommands::role);
    add(table, "replconf", -1, false, ServerCommands::replconf);
    add(table, "psync", 3, false, c -> {
      c.server.replication().fullSync(c.session, true);
      return null;
    });
    add(table, "sync", 1, false, c -> {
      c.server.replication().fullSync(c.session, false);
      return null;
    });
  }

  private static void add(Map<String, Command> table, String name, int arity, boolean write, Command.Handler h) {
    table.put(name, new Command(name, arity, write, h));
  }

  private static Reply subcommandError(String sub, String command) {
    return Reply.error("ERR Unknown subcommand or wrong number of arguments for '" + sub + "'. Try " + command
        + " HELP.");
  }

  private static Reply select(Call c) {
    long db = Call.integer(c.arg(1), Reply.error("ERR invalid DB index"));
    if (db < 0 || db >= c.keys().databases()) {
      return Reply.error("ERR DB index is out of range");
    }
    c.session.db = (int) db;
    return Reply.OK;
  }

  private static Reply auth(Call c) {
    String required = c.server.config().get("requirepass");
    boolean six = !c.server.options().version().startsWith("5.");
    if (c.argc() > 3) {
      return Call.SYNTAX;
    }
    if (required.isEmpty()) {
      return Reply.error(six ? "ERR AUTH <password> called without any password configured for the default user. "
          + "Are you sure your configuration is correct?" : "ERR Client sent AUTH, but no password is set");
    }
    String user = c.argc() == 3 ? c.arg(1) : "default";
    String password = c.arg(c.argc() - 1);
    if (!user.equals("default") || !password.equals(required)) {
      return Reply.error(six ? "WRONGPASS invalid username-password pair" : "ERR invalid password");
    }
    c.session.authenticated = true;
    return Reply.OK;
  }

  private static Reply client(Call c) {
    String sub = c.arg(1).toLowerCase(Locale.ROOT);
    return switch (sub) {
      case "setname" -> {
        if (c.argc() != 3) {
          yield subcommandError(c.arg(1), "CLIENT");
        }
        if (c.arg(2).chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
          yield Reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        }
        c.session.name = c.arg(2);
        yield Reply.OK;
      }
      case "getname" -> Reply.bulk(c.session.name.isEmpty() ? null : c.session.name);
      case "id" -> Reply.integer(Math.abs((long) System.identityHashCode(c.session)));
      default -> subcommandError(c.arg(1), "CLIENT");
    };
  }

  private static Reply config(Call c) {
    String sub = c.arg(1).toLowerCase(Locale.ROOT);
    RedisConfig config = c.server.config();
    switch (sub) {
      case "get" -> {
        return c.argc() == 3 ? Reply.bulks(config.matching(c.arg(2))) : subcommandError(c.arg(1), "CONFIG");
      }
      case "set" -> {
        if (c.argc() != 4) {
          return subcommandError(c.arg(1), "CONFIG");
        }
        String error = config.set(c.arg(2), c.arg(3));
        return error == null ? Reply.OK : Reply.error(error);
      }
      case "resetstat" -> {
        c.server.commandsProcessed = 0;
        c.server.connectionsReceived = 0;
        return Reply.OK;
      }
      case "rewrite" -> {
        // a ConfigMap's file is read-only; without a file redis has nothing to rewrite
        return Reply.error(config.file().isEmpty() ? "ERR The server is running without a config file"
            : "ERR Rewriting config file: Read-only file system");
      }
      default -> {
        return subcommandError(c.arg(1), "CONFIG");
      }
    }
  }

  private static Reply command(Call c) {
    Map<String, Command> all = c.server.commands();
    if (c.argc() == 2 && c.arg(1).equalsIgnoreCase("count")) {
      return Reply.integer(all.size());
    }
    if (c.argc() > 1) {
      return subcommandError(c.arg(1), "COMMAND");
    }
    List<Reply> out = new ArrayList<>();
    all.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(cmd -> {
      boolean keyed = !List.of("ping", "echo", "select", "auth", "quit", "client", "dbsize", "flushall", "flushdb",
          "info", "config", "time", "command", "replicaof", "slaveof", "role", "replconf", "psync", "sync")
          .contains(cmd.name());
      out.add(new Reply.Array(List.of(Reply.bulk(cmd.name()), Reply.integer(cmd.arity()),
          new Reply.Array(List.of(new Reply.Status(cmd.write() ? "write" : "readonly"))),
          Reply.integer(keyed ? 1 : 0), Reply.integer(keyed ? 1 : 0), Reply.integer(keyed ? 1 : 0))));
    });
    return new Reply.Array(out);
  }

  private static Reply replicaof(Call c) {
    Replication r = c.server.replication();
    if (c.arg(1).equalsIgnoreCase("no") && c.arg(2).equalsIgnoreCase("one")) {
      r.promote(c.session.address);
      return Reply.OK;
    }
    long port = c.integer(2);
    MasterLink link = r.link();
    if (link != null && link.host().equalsIgnoreCase(c.arg(1)) && link.port() == port) {
      c.server.log().notice("REPLICAOF would result into synchronization with the master we are already connected "
          + "with. No operation performed.");
      return new Reply.Status("OK Already connected to specified master");
    }
    r.follow(c.arg(1), (int) port, false);
    c.server.log().notice("REPLICAOF " + c.arg(1) + ":" + port + " enabled (user request from 'addr="
        + c.session.address + "')");
    return Reply.OK;
  }

  private static Reply role(Call c) {
    Replication r = c.server.replication();
    MasterLink link = r.link();
    if (link != null) {
      return new Reply.Array(List.of(Reply.bulk("slave"), Reply.bulk(link.host()), Reply.integer(link.port()),
          Reply.bulk(link.up() ? "connected" : link.syncing() ? "sync" : "connect"), Reply.integer(r.offset())));
    }
    List<Reply> replicas = r.replicas().stream().map(x -> (Reply) Reply.bulks(List.of(x.ip,
        Integer.toString(x.port), Long.toString(x.ackOffset)))).toList();
    return new Reply.Array(List.of(Reply.bulk("master"), Reply.integer(r.offset()), new Reply.Array(replicas)));
  }

  private static Reply replconf(Call c) {
    if (c.argc() % 2 == 0) {
      return Call.SYNTAX;
    }
    for (int i = 1; i < c.argc(); i += 2) {
      String option = c.arg(i).toLowerCase(Locale.ROOT);
      switch (option) {
        case "listening-port" -> c.session.listeningPort = (int) c.integer(i + 1);
        case "ack" -> {
          c.server.replication().ack(c.session, c.integer(i + 1));
          return null;
        }
        case "getack" -> {
          return null;
        }
        case "capa", "ip-address" -> {
        }
        default -> {
          return Reply.error("ERR Unrecognized REPLCONF option: " + c.arg(i));
        }
      }
    }
    return Reply.OK;
  }
}
