package io.dekube.kubelet.images.redis;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A redis server speaking RESP2 over TCP: the commands of {@link StringCommands}, {@link KeyCommands},
 * {@link ListCommands}, {@link HashCommands} and {@link ServerCommands} on a {@link Keyspace} in memory, configured
 * by a {@link RedisConfig}, a master or a replica ({@link Replication}). Every command runs under this object's
 * lock, one at a time as in redis's single thread; sockets are written from the thread that holds it.
 */
final class RedisServer {

  /** Opens a TCP connection as the server's pod does (its DNS, its egress policies). */
  interface Dialer {
    Future<NetSocket> connect(String host, int port);
  }

  /** Wraps the connection handler: the pod's NetworkPolicies decide which connections get served. */
  interface Admission {
    Handler<NetSocket> admit(int port, Handler<NetSocket> handler);
  }

  /** Where the server listens and how it reaches its master. */
  record Options(String version, String host, Dialer dialer, Admission admission, Keyspace.Clock clock) {
  }

  private static final Set<String> NO_AUTH_NEEDED = Set.of("auth", "quit", "hello");
  private final Vertx vertx;
  private final RedisConfig config;
  private final Options options;
  private final RedisLog log;
  private final Keyspace keyspace;
  private final Replication replication;
  private final Map<String, Command> commands = new HashMap<>();
  private final Set<Session> clients = ConcurrentHashMap.newKeySet();
  private final String runId = hex(20);
  private final long started = System.currentTimeMillis();
  private NetServer server;
  private long sweeper = -1;
  private int port;
  long connectionsReceived;
  long commandsProcessed;

  RedisServer(Vertx vertx, RedisConfig config, Options options, RedisLog log) {
    this.vertx = vertx;
    this.config = config;
    this.options = options;
    this.log = log;
    this.keyspace = new Keyspace((int) config.number("databases"), options.clock());
    this.replication = new Replication(vertx, this, log);
    StringCommands.register(commands);
    KeyCommands.register(commands);
    ListCommands.register(commands);
    HashCommands.register(commands);
    ServerCommands.register(commands);
    keyspace.master(true, expired -> replication.propagate(expired.db(), List.of("DEL", expired.key())));
  }

  /** Listens on the configured port (none for {@code port 0}); the port. */
  Future<Integer> start() {
    int wanted = (int) config.number("port");
    long hz = Math.max(1, Math.min(500, config.number("hz")));
    sweeper = vertx.setPeriodic(1000 / hz, t -> {
      synchronized (this) {
        keyspace.sweep();
      }
    });
    Future<Integer> listening = Future.succeededFuture(0);
    if (wanted != 0) {
      server = vertx.createNetServer(new NetServerOptions().setHost(options.host()).setPort(wanted)
          .setReuseAddress(true).setTcpKeepAlive(true));
      server.connectHandler(options.admission().admit(wanted, this::accept));
      listening = server.listen().map(NetServer::actualPort);
    }
    return listening.onSuccess(p -> {
      synchronized (this) {
        port = p;
      }
    });
  }

  /** Once listening: follows the master the configuration names ({@code replicaof}), if any. */
  synchronized void replicate() {
    String replicaof = config.get("replicaof");
    if (!replicaof.isEmpty()) {
      String[] hp = replicaof.split(" ");
      replication.follow(hp[0], Integer.parseInt(hp[1]), true);
    }
  }

  /** Closes the listener, the clients and the link to a master. */
  Future<Void> stop() {
    vertx.cancelTimer(sweeper);
    synchronized (this) {
      replication.stop();
    }
    clients.forEach(s -> s.socket.close());
    return server == null ? Future.succeededFuture() : server.close();
  }

  int port() {
    return port;
  }

  RedisConfig config() {
    return config;
  }

  Keyspace keyspace() {
    return keyspace;
  }

  Replication replication() {
    return replication;
  }

  RedisLog log() {
    return log;
  }

  Options options() {
    return options;
  }

  String runId() {
    return runId;
  }

  long uptimeSeconds() {
    return (System.currentTimeMillis() - started) / 1000;
  }

  int clientCount() {
    return clients.size();
  }

  Map<String, Command> commands() {
    return commands;
  }

  private void accept(NetSocket socket) {
    Session s = new Session(socket, socket.remoteAddress().hostAddress() + ":" + socket.remoteAddress().port(),
        false);
    clients.add(s);
    synchronized (this) {
      connectionsReceived++;
    }
    RespParser parser = new RespParser(true, value -> request(s, value));
    socket.handler(data -> {
      try {
        parser.feed(data);
      } catch (RespParser.ProtocolException e) {
        socket.write(Reply.encode(Reply.error("ERR " + e.getMessage())));
        socket.close();
      }
    });
    socket.closeHandler(v -> {
      clients.remove(s);
      synchronized (this) {
        replication.gone(s);
      }
    });
    socket.exceptionHandler(e -> socket.close());
  }

  private void request(Session s, Reply value) {
    if (s.closing || !(value instanceof Reply.Array a)) {
      return;
    }
    List<String> argv = a.items().stream().map(i -> i instanceof Reply.Bulk b ? b.value() : "").toList();
    Reply r = execute(s, argv);
    if (r != null) {
      s.socket.write(Reply.encode(r));
    }
    if (s.closing) {
      s.socket.close();
    }
  }

  /** Runs one command for {@code s}; its reply, or null when the command answered on its own (PSYNC). */
  synchronized Reply execute(Session s, List<String> argv) {
    String name = argv.get(0).toLowerCase(Locale.ROOT);
    Command cmd = commands.get(name);
    if (cmd == null) {
      return unknown(argv);
    }
    if (!cmd.fits(argv)) {
      return Command.wrongArity(name);
    }
    if (!s.authenticated && !s.fromMaster && !config.get("requirepass").isEmpty() && !NO_AUTH_NEEDED.contains(name)) {
      return Reply.error("NOAUTH Authentication required.");
    }
    if (cmd.write() && !s.fromMaster && replication.isReplica() && config.yes("replica-read-only")) {
      return Reply.error("READONLY You can't write against a read only replica.");
    }
    commandsProcessed++;
    Reply r;
    try {
      r = cmd.handler().run(new Call(this, s, argv));
    } catch (Call.Refused e) {
      r = e.reply;
    }
    if (cmd.write() && !(r instanceof Reply.Error)) {
      replication.propagate(s.db, argv);
    }
    return r;
  }

  /** Redis's answer to a command it does not have (up to 6: {@code `a`, }; from 7: {@code 'a' }). */
  private Reply unknown(List<String> argv) {
    boolean seven = !options.version().startsWith("5.") && !options.version().startsWith("6.")
        && !options.version().startsWith("4.");
    String q = seven ? "'" : "`";
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < argv.size() && args.length() < 128; i++) {
      String a = argv.get(i);
      args.append(q).append(a, 0, Math.min(a.length(), 128 - args.length())).append(q).append(seven ? " " : ", ");
    }
    String cmd = seven && argv.get(0).length() > 128 ? argv.get(0).substring(0, 128) : argv.get(0);
    return Reply.error("ERR unknown command " + q + cmd + q + ", with args beginning with: " + args);
  }

  static String hex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
