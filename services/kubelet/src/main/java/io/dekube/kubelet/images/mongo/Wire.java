package io.dekube.kubelet.images.mongo;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * MongoDB's wire protocol, the parts a server and a shell need: the 16-byte header, {@code OP_MSG} (2013) with its
 * body section and document sequences (which become arrays of the body, as mongod reads them), the legacy
 * {@code OP_QUERY} (2004) a driver's first {@code isMaster} comes in, and its answer {@code OP_REPLY} (1). Pure.
 */
final class Wire {

  static final int OP_REPLY = 1;
  static final int OP_QUERY = 2004;
  static final int OP_MSG = 2013;
  static final int MORE_TO_COME = 1 << 1;
  private static final int CHECKSUM_PRESENT = 1;
  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  /** A request: its id, op code, flags, the command document and, for OP_QUERY, the collection it names. */
  record Message(int requestId, int opCode, int flags, BsonDocument command, String collection) {
  }

  /** Thrown for bytes that are not a message this server reads. */
  static final class BadMessage extends Exception {
    BadMessage(String message) {
      super(message);
    }
  }

  private Wire() {
  }

  /** The length a message starting at {@code frame}'s first byte announces. */
  static int length(Buffer frame) {
    return frame.getIntLE(0);
  }

  /** Reads one whole message (header included). */
  static Message read(byte[] bytes) throws BadMessage {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int length = b.getInt();
      int requestId = b.getInt();
      b.getInt();
      int opCode = b.getInt();
      return switch (opCode) {
        case OP_MSG -> msg(b, length, requestId);
        case OP_QUERY -> query(b, requestId);
        default -> throw new BadMessage("unsupported opcode " + opCode);
      };
    } catch (RuntimeException e) {
      throw new BadMessage("malformed message: " + e.getMessage());
    }
  }

  private static Message msg(ByteBuffer b, int length, int requestId) throws BadMessage {
    int flags = b.getInt();
    int end = (flags & CHECKSUM_PRESENT) != 0 ? length - 4 : length;
    BsonDocument body = null;
    BsonDocument sequences = new BsonDocument();
    while (b.position() < end) {
      int kind = b.get();
      if (kind == 0) {
        body = document(b);
      } else if (kind == 1) {
        int start = b.position();
        int size = b.getInt();
        String id = cstring(b);
        BsonArray docs = new BsonArray();
        while (b.position() < start + size) {
          docs.add(document(b));
        }
        sequences.put(id, docs);
      } else {
        throw new BadMessage("unknown section kind " + kind);
      }
    }
    if (body == null) {
      throw new BadMessage("OP_MSG without a body");
    }
    body.putAll(sequences);
    return new Message(requestId, OP_MSG, flags, body, null);
  }

  private static Message query(ByteBuffer b, int requestId) {
    int flags = b.getInt();
    String collection = cstring(b);
    b.getInt();
    b.getInt();
    BsonDocument query = document(b);
    if (query.containsKey("$query") && query.get("$query").isDocument()) {
      query = query.getDocument("$query");
    }
    return new Message(requestId, OP_QUERY, flags, query, collection);
  }

  private static BsonDocument document(ByteBuffer b) {
    int size = b.getInt(b.position());
    byte[] bytes = new byte[size];
    b.get(bytes);
    return new RawBsonDocument(bytes).decode(CODEC);
  }

  private static String cstring(ByteBuffer b) {
    int start = b.position();
    while (b.get() != 0) {
      // to the NUL
    }
    return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
  }

  /** The bytes of {@code doc} as BSON. */
  static byte[] bson(BsonDocument doc) {
    ByteBuffer raw = new RawBsonDocument(doc, CODEC).getByteBuffer().asNIO();
    byte[] bytes = new byte[raw.remaining()];
    raw.get(bytes);
    return bytes;
  }

  /** An OP_MSG carrying {@code body} as its one section. */
  static Buffer msg(int requestId, int responseTo, BsonDocument body) {
    byte[] doc = bson(body);
    Buffer out = Buffer.buffer(21 + doc.length);
    out.appendIntLE(21 + doc.length).appendIntLE(requestId).appendIntLE(responseTo).appendIntLE(OP_MSG)
        .appendIntLE(0).appendByte((byte) 0).appendBytes(doc);
    return out;
  }

  /** An OP_REPLY carrying {@code docs}. */
  static Buffer reply(int requestId, int responseTo, List<BsonDocument> docs) {
    Buffer body = Buffer.buffer();
    docs.forEach(d -> body.appendBytes(bson(d)));
    Buffer out = Buffer.buffer();
    out.appendIntLE(36 + body.length()).appendIntLE(requestId).appendIntLE(responseTo).appendIntLE(OP_REPLY)
        .appendIntLE(0).appendLongLE(0).appendIntLE(0).appendIntLE(docs.size()).appendBuffer(body);
    return out;
  }

  /** The one document of an OP_MSG or OP_REPLY answer (a shell reading its server). */
  static BsonDocument answer(byte[] bytes) throws BadMessage {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      b.position(12);
      int opCode = b.getInt();
      if (opCode == OP_MSG) {
        return msg(b, bytes.length, 0).command();
      }
      if (opCode == OP_REPLY) {
        b.position(36);
        return document(b);
      }
      throw new BadMessage("unsupported opcode " + opCode);
    } catch (RuntimeException e) {
      throw new BadMessage("malformed message: " + e.getMessage());
    }
  }
}
