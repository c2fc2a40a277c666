package io.dekube.apiserver.openapi.v2;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A protobuf message being written field by field (proto3: default values are left out). Nested
 * messages are written into their own writer and embedded as length-delimited bytes. Not
 * thread-safe; one per message.
 */
final class ProtoWriter {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

  ProtoWriter string(int field, String value) {
    if (value != null && !value.isEmpty()) {
      io(() -> out.writeString(field, value));
    }
    return this;
  }

  ProtoWriter bool(int field, boolean value) {
    if (value) {
      io(() -> out.writeBool(field, true));
    }
    return this;
  }

  ProtoWriter int64(int field, long value) {
    if (value != 0) {
      io(() -> out.writeInt64(field, value));
    }
    return this;
  }

  ProtoWriter dbl(int field, double value) {
    if (value != 0) {
      io(() -> out.writeDouble(field, value));
    }
    return this;
  }

  /** An embedded message; always written (presence matters for messages). */
  ProtoWriter message(int field, ProtoWriter message) {
    byte[] b = message.toBytes();
    io(() -> out.writeByteArray(field, b));
    return this;
  }

  byte[] toBytes() {
    io(out::flush);
    return bytes.toByteArray();
  }

  private interface Io {
    void run() throws IOException;
  }

  private static void io(Io action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
