package io.dekube.kubelet.images.cassandra;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * The native transport (CQL binary protocol) port of dekube's Cassandra image: it listens — the ready probe and
 * clients see the port open once the node is NORMAL — but has no CQL engine behind it: each request frame gets an
 * {@code ERROR} frame (code 0x000A, protocol error) saying so, in the protocol version the client spoke (v3 to v5;
 * other versions get v4's), on the request's stream. Handlers run on the server's event loop.
 */
final class NativeTransport {

  static final String NO_CQL = "dekube's cassandra image has no CQL engine: only gossip, nodetool and the ready "
      + "probe are built";
  private static final int HEADER = 9;

  private NativeTransport() {
  }

  static void serve(NetSocket socket) {
    RecordParser frames = RecordParser.newFixed(HEADER, socket);
    int[] pending = {-1};
    Buffer[] header = {null};
    frames.handler(chunk -> {
      if (pending[0] < 0) {
        header[0] = chunk;
        int length = chunk.getInt(5);
        if (length < 0 || length > 256 * 1024 * 1024) {
          socket.close();
          return;
        }
        if (length == 0) {
          socket.write(error(header[0]));
          return;
        }
        pending[0] = length;
        frames.fixedSizeMode(length);
      } else {
        socket.write(error(header[0]));
        pending[0] = -1;
        frames.fixedSizeMode(HEADER);
      }
    });
  }

  /** The ERROR response frame to the request with {@code header}. */
  static Buffer error(Buffer header) {
    int version = header.getByte(0) & 0x7f;
    int v = version >= 3 && version <= 5 ? version : 4;
    byte[] msg = NO_CQL.getBytes(StandardCharsets.UTF_8);
    Buffer body = Buffer.buffer().appendInt(0x000A).appendShort((short) msg.length).appendBytes(msg);
    return Buffer.buffer().appendByte((byte) (0x80 | v)).appendByte((byte) 0).appendShort(header.getShort(2))
        .appendByte((byte) 0x00).appendInt(body.length()).appendBuffer(body);
  }
}
