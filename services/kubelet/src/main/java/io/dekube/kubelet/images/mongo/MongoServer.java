package io.dekube.kubelet.images.mongo;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * mongod's listener: MongoDB's wire protocol on a TCP port, each message ({@code OP_MSG}, or the legacy
 * {@code OP_QUERY} of a driver's first {@code isMaster}) answered by {@link Commands} in the same form, with
 * mongod's log lines for each connection. Runs on the event loop: every command works in memory.
 */
final class MongoServer {

  private final Vertx vertx;
  private final Commands commands;
  private final MongoLog log;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger replies = new AtomicInteger();
  private NetServer server;

  MongoServer(Vertx vertx, Commands commands, MongoLog log) {
    this.vertx = vertx;
    this.commands = commands;
    this.log = log;
  }

  /** Listens on {@code host:port}, each connection first through {@code admit}; the port bound. */
  Future<Integer> listen(String host, int port, UnaryOperator<Handler<NetSocket>> admit) {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setReuseAddress(true));
    server.connectHandler(admit.apply(this::connected));
    return server.listen().map(NetServer::actualPort);
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void connected(NetSocket socket) {
    int id = connections.incrementAndGet();
    String remote = socket.remoteAddress().hostAddress() + ":" + socket.remoteAddress().port();
    log.info("NETWORK", 22943, "listener", "Connection accepted", new BsonDocument("remote", new BsonString(remote))
        .append("uuid", new BsonString(UUID.randomUUID().toString())).append("connectionId", new BsonInt32(id))
        .append("connectionCount", new BsonInt32(open.incrementAndGet())));
    Commands.Client client = new Commands.Client(id, remote);
    Buffer[] pending = {Buffer.buffer()};
    socket.handler(data -> {
      pending[0].appendBuffer(data);
      while (pending[0].length() >= 4 && pending[0].length() >= Wire.length(pending[0])) {
        int length = Wire.length(pending[0]);
        if (length < 16) {
          socket.close();
          return;
        }
        byte[] message = pending[0].getBytes(0, length);
        pending[0] = pending[0].getBuffer(length, pending[0].length());
        handle(socket, client, message);
      }
    });
    socket.closeHandler(v -> log.info("NETWORK", 22944, "conn" + id, "Connection ended", new BsonDocument("remote",
        new BsonString(remote)).append("uuid", new BsonString(UUID.randomUUID().toString()))
        .append("connectionId", new BsonInt32(id)).append("connectionCount", new BsonInt32(open.decrementAndGet()))));
  }

  private void handle(NetSocket socket, Commands.Client client, byte[] bytes) {
    Wire.Message m;
    try {
      m = Wire.read(bytes);
    } catch (Wire.BadMessage e) {
      socket.close();
      return;
    }
    BsonDocument cmd = m.command();
    String db = m.opCode() == Wire.OP_QUERY ? m.collection().substring(0, Math.max(0, m.collection().indexOf('.')))
        : cmd.getString("$db", new BsonString("test")).getValue();
    if (cmd.containsKey("client") && !cmd.isEmpty() && List.of("hello", "isMaster", "ismaster")
        .contains(cmd.getFirstKey())) {
      log.info("NETWORK", 51800, "conn" + client.connectionId(), "client metadata", new BsonDocument("remote",
          new BsonString(client.remote())).append("client", new BsonString("conn" + client.connectionId()))
          .append("doc", cmd.get("client")));
    }
    BsonDocument answer = commands.run(cmd, db, client);
    if (m.opCode() == Wire.OP_QUERY) {
      socket.write(Wire.reply(replies.incrementAndGet(), m.requestId(), List.of(answer)));
    } else if ((m.flags() & Wire.MORE_TO_COME) == 0) {
      socket.write(Wire.msg(replies.incrementAndGet(), m.requestId(), answer));
    }
  }
}
