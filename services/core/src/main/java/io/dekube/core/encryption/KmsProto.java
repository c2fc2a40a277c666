package io.dekube.core.encryption;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The protobuf wire format of the few messages kube's KMS v2 envelope uses, written and read by hand (three tiny
 * messages do not need generated code): the plugin API {@code v2.KeyManagementService}'s requests and responses
 * (k8s.io/kms/apis/v2/api.proto) and the {@code EncryptedObject} kube-apiserver stores after its
 * {@code k8s:enc:kms:v2:<name>:} prefix (apiserver/.../envelope/kmsv2/v2/api.proto). Fields are written in number
 * order and default values left out, as Go's proto.Marshal does; maps in key order (Go's deterministic order).
 * Unknown fields are skipped on read. Stateless.
 */
final class KmsProto {

  private KmsProto() {
  }

  /** kube's {@code EncryptedDEKSourceType}: the plugin encrypted a DEK itself (AES_GCM_KEY) or a KDF seed. */
  static final int AES_GCM_KEY = 0;
  static final int HKDF_SHA256_XNONCE_AES_GCM_SEED = 1;

  /** kube's {@code EncryptedObject}. */
  record EncryptedObject(byte[] encryptedData, String keyId, byte[] encryptedDekSource,
                         Map<String, byte[]> annotations, int encryptedDekSourceType) {
  }

  /** The plugin's {@code StatusResponse}. */
  record Status(String version, String healthz, String keyId) {
  }

  /** The plugin's {@code EncryptResponse}. */
  record Encrypted(byte[] ciphertext, String keyId, Map<String, byte[]> annotations) {
  }

  /** A message being written. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer bytes(int field, byte[] value) {
      if (value != null && value.length > 0) {
        tag(field, 2);
        varint(value.length);
        out.writeBytes(value);
      }
      return this;
    }

    Writer string(int field, String value) {
      return bytes(field, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    Writer uint(int field, long value) {
      if (value != 0) {
        tag(field, 0);
        varint(value);
      }
      return this;
    }

    /** A {@code map<string, bytes>}: one entry message (key 1, value 2) per key. */
    Writer map(int field, Map<String, byte[]> map) {
      if (map != null) {
        for (Map.Entry<String, byte[]> e : new TreeMap<>(map).entrySet()) {
          byte[] entry = new Writer().string(1, e.getKey()).bytes(2, e.getValue()).toBytes();
          tag(field, 2);
          varint(entry.length);
          out.writeBytes(entry);
        }
      }
      return this;
    }

    private void tag(int field, int wireType) {
      varint((long) field << 3 | wireType);
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  /** A message being read; {@link IllegalArgumentException} with Go's protobuf words on bad data. */
  static final class Reader {
    private final byte[] data;
    private int pos;
    private final int end;
    int field;
    int wireType;

    Reader(byte[] data) {
      this(data, 0, data.length);
    }

    private Reader(byte[] data, int from, int to) {
      this.data = data;
      this.pos = from;
      this.end = to;
    }

    /** Moves to the next field; false at the end. */
    boolean next() {
      if (pos >= end) {
        return false;
      }
      long tag = varint();
      field = (int) (tag >>> 3);
      wireType = (int) (tag & 7);
      if (field == 0) {
        throw new IllegalArgumentException("proto: cannot parse invalid wire-format data");
      }
      return true;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("unexpected EOF");
        }
        byte b = data[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("proto: cannot parse invalid wire-format data");
    }

    byte[] bytes() {
      if (wireType != 2) {
        throw new IllegalArgumentException("proto: cannot parse invalid wire-format data");
      }
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw new IllegalArgumentException("unexpected EOF");
      }
      byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + (int) n);
      pos += (int) n;
      return b;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** One entry of a {@code map<string, bytes>} into {@code into}. */
    void mapEntry(Map<String, byte[]> into) {
      Reader r = new Reader(bytes());
      String key = "";
      byte[] value = new byte[0];
      while (r.next()) {
        if (r.field == 1) {
          key = r.string();
        } else if (r.field == 2) {
          value = r.bytes();
        } else {
          r.skip();
        }
      }
      into.put(key, value);
    }

    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> bytes();
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("proto: cannot parse invalid wire-format data");
      }
      if (pos > end) {
        throw new IllegalArgumentException("unexpected EOF");
      }
    }
  }

  static byte[] encode(EncryptedObject o) {
    return new Writer().bytes(1, o.encryptedData()).string(2, o.keyId()).bytes(3, o.encryptedDekSource())
        .map(4, o.annotations()).uint(5, o.encryptedDekSourceType()).toBytes();
  }

  static EncryptedObject decodeEncryptedObject(byte[] data) {
    Reader r = new Reader(data);
    byte[] encryptedData = new byte[0];
    String keyId = "";
    byte[] source = new byte[0];
    Map<String, byte[]> annotations = new TreeMap<>();
    int type = 0;
    while (r.next()) {
      switch (r.field) {
        case 1 -> encryptedData = r.bytes();
        case 2 -> keyId = r.string();
        case 3 -> source = r.bytes();
        case 4 -> r.mapEntry(annotations);
        case 5 -> type = (int) r.varint();
        default -> r.skip();
      }
    }
    return new EncryptedObject(encryptedData, keyId, source, annotations, type);
  }

  static byte[] encryptRequest(byte[] plaintext, String uid) {
    return new Writer().bytes(1, plaintext).string(2, uid).toBytes();
  }

  static byte[] decryptRequest(byte[] ciphertext, String uid, String keyId, Map<String, byte[]> annotations) {
    return new Writer().bytes(1, ciphertext).string(2, uid).string(3, keyId).map(4, annotations).toBytes();
  }

  static Status status(byte[] data) {
    Reader r = new Reader(data);
    String version = "";
    String healthz = "";
    String keyId = "";
    while (r.next()) {
      switch (r.field) {
        case 1 -> version = r.string();
        case 2 -> healthz = r.string();
        case 3 -> keyId = r.string();
        default -> r.skip();
      }
    }
    return new Status(version, healthz, keyId);
  }

  static Encrypted encrypted(byte[] data) {
    Reader r = new Reader(data);
    byte[] ciphertext = new byte[0];
    String keyId = "";
    Map<String, byte[]> annotations = new TreeMap<>();
    while (r.next()) {
      switch (r.field) {
        case 1 -> ciphertext = r.bytes();
        case 2 -> keyId = r.string();
        case 3 -> r.mapEntry(annotations);
        default -> r.skip();
      }
    }
    return new Encrypted(ciphertext, keyId, annotations);
  }

  /** The plaintext of a {@code DecryptResponse} (field 1). */
  static byte[] plaintext(byte[] data) {
    Reader r = new Reader(data);
    byte[] plaintext = new byte[0];
    while (r.next()) {
      if (r.field == 1) {
        plaintext = r.bytes();
      } else {
        r.skip();
      }
    }
    return plaintext;
  }
}
