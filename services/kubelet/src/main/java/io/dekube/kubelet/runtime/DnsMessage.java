package io.dekube.kubelet.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DNS messages on the wire (RFC 1035) as {@code dig} needs them: a query for one name and type, and the header,
 * question and answer records of a response, names decompressed; record data printed as dig prints it for A,
 * AAAA, CNAME, PTR, NS, SRV, TXT and SOA (others as {@code \# LEN HEX}). Pure.
 */
final class DnsMessage {

  /** A record of a section: its owner name (with the final dot), TTL, class, type and data as dig prints them. */
  record Record(String name, long ttl, String type, String data) {
  }

  /** A parsed response. */
  record Response(int id, int flags, int rcode, String question, String questionType, List<Record> answers,
                  List<Record> authority, int additional, int size) {
  }

  private DnsMessage() {
  }

  /** The code of a query type by name ({@code A}, {@code SRV}…); -1 when unknown. */
  static int typeCode(String type) {
    return switch (type.toUpperCase(Locale.ROOT)) {
      case "A" -> 1;
      case "NS" -> 2;
      case "CNAME" -> 5;
      case "SOA" -> 6;
      case "PTR" -> 12;
      case "MX" -> 15;
      case "TXT" -> 16;
      case "AAAA" -> 28;
      case "SRV" -> 33;
      case "ANY" -> 255;
      default -> -1;
    };
  }

  static String typeName(int code) {
    return switch (code) {
      case 1 -> "A";
      case 2 -> "NS";
      case 5 -> "CNAME";
      case 6 -> "SOA";
      case 12 -> "PTR";
      case 15 -> "MX";
      case 16 -> "TXT";
      case 28 -> "AAAA";
      case 33 -> "SRV";
      case 255 -> "ANY";
      default -> "TYPE" + code;
    };
  }

  /** The response codes' names, as dig's {@code status:} shows them. */
  static String rcodeName(int rcode) {
    return switch (rcode) {
      case 0 -> "NOERROR";
      case 1 -> "FORMERR";
      case 2 -> "SERVFAIL";
      case 3 -> "NXDOMAIN";
      case 4 -> "NOTIMP";
      case 5 -> "REFUSED";
      default -> "RCODE" + rcode;
    };
  }

  /** A query with recursion desired for {@code name} (with or without the final dot) of type {@code type}. */
  static byte[] query(int id, String name, int type) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(id >> 8);
    b.write(id);
    b.write(0x01); // RD
    b.write(0x00);
    b.write(0);
    b.write(1); // QDCOUNT
    for (int i = 0; i < 6; i++) {
      b.write(0);
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (!n.isEmpty()) {
      for (String label : n.split("\\.")) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        b.write(l.length);
        b.writeBytes(l);
      }
    }
    b.write(0);
    b.write(type >> 8);
    b.write(type);
    b.write(0);
    b.write(1); // IN
    return b.toByteArray();
  }

  /** Parses a response; throws {@link IllegalArgumentException} for a message it cannot read. */
  static Response parse(byte[] m) {
    if (m.length < 12) {
      throw new IllegalArgumentException("short message");
    }
    int id = u16(m, 0);
    int flags = u16(m, 2);
    int qd = u16(m, 4);
    int an = u16(m, 6);
    int ns = u16(m, 8);
    int ar = u16(m, 10);
    int[] at = {12};
    String question = "";
    String qtype = "";
    for (int i = 0; i < qd; i++) {
      question = name(m, at);
      qtype = typeName(u16(m, at[0]));
      at[0] += 4;
    }
    List<Record> answers = records(m, at, an);
    List<Record> authority = records(m, at, ns);
    return new Response(id, flags, flags & 0x0f, question, qtype, answers, authority, ar, m.length);
  }

  private static List<Record> records(byte[] m, int[] at, int count) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String owner = name(m, at);
      int type = u16(m, at[0]);
      long ttl = ((long) u16(m, at[0] + 4) << 16) | u16(m, at[0] + 6);
      int len = u16(m, at[0] + 8);
      int start = at[0] + 10;
      out.add(new Record(owner, ttl, typeName(type), data(m, type, start, len)));
      at[0] = start + len;
    }
    return out;
  }

  private static String data(byte[] m, int type, int start, int len) {
    int[] at = {start};
    return switch (type) {
      case 1 -> (m[start] & 0xff) + "." + (m[start + 1] & 0xff) + "." + (m[start + 2] & 0xff) + "."
          + (m[start + 3] & 0xff);
      case 28 -> {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
          b.append(i == 0 ? "" : ":").append(Integer.toHexString(u16(m, start + i)));
        }
        yield b.toString().replaceFirst("(^|:)0(:0)+(:|$)", "::");
      }
      case 2, 5, 12 -> name(m, at);
      case 33 -> u16(m, start) + " " + u16(m, start + 2) + " " + u16(m, start + 4) + " "
          + name(m, new int[] {start + 6});
      case 6 -> {
        String mname = name(m, at);
        String rname = name(m, at);
        int p = at[0];
        yield mname + " " + rname + " " + u32(m, p) + " " + u32(m, p + 4) + " " + u32(m, p + 8) + " " + u32(m, p + 12)
            + " " + u32(m, p + 16);
      }
      case 16 -> {
        StringBuilder b = new StringBuilder();
        for (int p = start; p < start + len; ) {
          int l = m[p] & 0xff;
          b.append(b.length() == 0 ? "" : " ").append('"')
              .append(new String(m, p + 1, l, StandardCharsets.UTF_8)).append('"');
          p += 1 + l;
        }
        yield b.toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("\\# " + len + " ");
        for (int i = 0; i < len; i++) {
          b.append(String.format("%02X", m[start + i] & 0xff));
        }
        yield b.toString();
      }
    };
  }

  /** A name at {@code at[0]} (following compression pointers); {@code at[0]} moves past it. */
  private static String name(byte[] m, int[] at) {
    StringBuilder b = new StringBuilder();
    int p = at[0];
    boolean jumped = false;
    for (int hops = 0; hops < 64; hops++) {
      int len = m[p] & 0xff;
      if (len == 0) {
        if (!jumped) {
          at[0] = p + 1;
        }
        return b.length() == 0 ? "." : b.toString();
      }
      if ((len & 0xc0) == 0xc0) {
        if (!jumped) {
          at[0] = p + 2;
        }
        p = ((len & 0x3f) << 8) | (m[p + 1] & 0xff);
        jumped = true;
        continue;
      }
      b.append(new String(m, p + 1, len, StandardCharsets.US_ASCII)).append('.');
      p += 1 + len;
    }
    throw new IllegalArgumentException("name pointers loop");
  }

  private static int u16(byte[] m, int at) {
    return ((m[at] & 0xff) << 8) | (m[at + 1] & 0xff);
  }

  private static long u32(byte[] m, int at) {
    return ((long) u16(m, at) << 16) | u16(m, at + 2);
  }
}
