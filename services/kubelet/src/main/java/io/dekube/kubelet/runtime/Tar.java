package io.dekube.kubelet.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tar archives {@code kubectl cp} sends and expects ({@code tar cf -} and {@code tar -xmf -} in the
 * container): ustar entries written; ustar, GNU long names and pax {@code path} records read. Regular
 * files, folders and symbolic links only (others are skipped). Pure.
 */
final class Tar {

  private static final int BLOCK = 512;

  /**
   * One entry: a folder ({@code directory}), a symbolic link ({@code link}: what it names) or a regular file with
   * its bytes; names without a leading /.
   */
  record Entry(String name, boolean directory, byte[] data, String link) {

    Entry(String name, boolean directory, byte[] data) {
      this(name, directory, data, null);
    }
  }

  private Tar() {
  }

  /** The archive of {@code entries}, ended by two zero blocks. */
  static byte[] write(List<Entry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Entry e : entries) {
      out.writeBytes(header(e));
      if (!e.directory() && e.link() == null) {
        out.writeBytes(e.data());
        out.writeBytes(new byte[pad(e.data().length)]);
      }
    }
    out.writeBytes(new byte[2 * BLOCK]);
    return out.toByteArray();
  }

  private static byte[] header(Entry e) {
    byte[] h = new byte[BLOCK];
    String name = e.directory() && !e.name().endsWith("/") ? e.name() + "/" : e.name();
    String prefix = "";
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      int cut = name.lastIndexOf('/', name.length() - 2);
      if (cut <= 0 || cut > 155 || name.length() - cut - 1 > 100) {
        throw new IllegalArgumentException("tar: name too long: " + name);
      }
      prefix = name.substring(0, cut);
      name = name.substring(cut + 1);
    }
    put(h, 0, 100, name);
    put(h, 100, 8, octal(e.link() != null ? 0777 : e.directory() ? 0755 : 0644, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 124, 12, octal(e.directory() || e.link() != null ? 0 : e.data().length, 11));
    put(h, 136, 12, octal(System.currentTimeMillis() / 1000, 11));
    h[156] = (byte) (e.link() != null ? '2' : e.directory() ? '5' : '0');
    put(h, 157, 100, e.link() == null ? "" : e.link());
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    put(h, 265, 32, "root");
    put(h, 297, 32, "root");
    put(h, 345, 155, prefix);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, octal(sum, 6) + "\0 ");
    return h;
  }

  /** The regular files and folders of an archive, in order. */
  static List<Entry> read(byte[] tar) {
    List<Entry> entries = new ArrayList<>();
    String longName = null;
    int at = 0;
    while (at + BLOCK <= tar.length) {
      if (zero(tar, at)) {
        break;
      }
      String name = string(tar, at, 100);
      String prefix = string(tar, at + 345, 155);
      if (!prefix.isEmpty() && "ustar".equals(string(tar, at + 257, 5))) {
        name = prefix + "/" + name;
      }
      long size = Long.parseLong(string(tar, at + 124, 12).trim().isEmpty() ? "0" : string(tar, at + 124, 12).trim(), 8);
      char type = (char) tar[at + 156];
      int data = at + BLOCK;
      if (data + size > tar.length) {
        throw new IllegalArgumentException("tar: unexpected end of archive");
      }
      byte[] body = java.util.Arrays.copyOfRange(tar, data, data + (int) size);
      switch (type) {
        case 'L' -> longName = new String(body, StandardCharsets.UTF_8).replaceAll("\0+$", "");
        case 'x' -> longName = paxPath(body, longName);
        case '0', '\0', '5', '2' -> {
          String n = longName != null ? longName : name;
          longName = null;
          entries.add(new Entry(n.replaceFirst("^/+", ""), type == '5', type == '0' || type == '\0' ? body : new byte[0],
              type == '2' ? string(tar, at + 157, 100) : null));
        }
        default -> longName = null;
      }
      at = data + (int) size + pad((int) size);
    }
    return entries;
  }

  /** The {@code path} record of a pax header ({@code "NN path=VALUE\n"}), else {@code fallback}. */
  private static String paxPath(byte[] body, String fallback) {
    String text = new String(body, StandardCharsets.UTF_8);
    for (String record : text.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return fallback;
  }

  private static int pad(int size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static boolean zero(byte[] b, int at) {
    for (int i = at; i < at + BLOCK; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int at, int len) {
    int end = at;
    while (end < at + len && b[end] != 0) {
      end++;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_8);
  }

  private static void put(byte[] h, int at, int len, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(v, 0, h, at, Math.min(len, v.length));
  }

  private static String octal(long value, int digits) {
    String s = Long.toOctalString(value);
    return "0".repeat(Math.max(0, digits - s.length())) + s;
  }
}
