package io.dekube.kubelet.images.mongo;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * A shell's connection to mongod: commands sent as {@code OP_MSG} with their {@code $db}, answers read in order.
 * Thread-safe.
 */
final class ShellConnection {

  /** Dials {@code host:port} as the pod does. */
  interface Dialer {
    Future<NetSocket> connect(String host, int port);
  }

  private final NetSocket socket;
  private final Deque<Promise<BsonDocument>> waiting = new ArrayDeque<>();
  private Buffer pending = Buffer.buffer();
  private int requestId;

  private ShellConnection(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::received);
    socket.closeHandler(v -> {
      synchronized (this) {
        waiting.forEach(p -> p.tryFail("connection closed"));
        waiting.clear();
      }
    });
  }

  static Future<ShellConnection> open(Dialer dialer, String host, int port) {
    return dialer.connect(host, port).map(ShellConnection::new);
  }

  /** Runs {@code cmd} in {@code db}; the answer, {@code ok: 0} ones too. */
  synchronized Future<BsonDocument> run(String db, BsonDocument cmd) {
    Promise<BsonDocument> answer = Promise.promise();
    waiting.add(answer);
    BsonDocument body = cmd.clone().append("$db", new BsonString(db));
    socket.write(Wire.msg(++requestId, 0, body));
    return answer.future();
  }

  Future<Void> close() {
    return socket.close();
  }

  private synchronized void received(Buffer data) {
    pending.appendBuffer(data);
    while (pending.length() >= 4 && pending.length() >= Wire.length(pending)) {
      int length = Wire.length(pending);
      byte[] message = pending.getBytes(0, length);
      pending = pending.getBuffer(length, pending.length());
      Promise<BsonDocument> p = waiting.poll();
      if (p == null) {
        continue;
      }
      try {
        p.tryComplete(Wire.answer(message));
      } catch (Wire.BadMessage e) {
        p.tryFail(e);
      }
    }
  }
}
