package io.dekube.kubelet.images.mysql;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary log of a server started with {@code log-bin}: files {@code <base>.000001}, {@code .000002}… in the data
 * folder, listed in {@code <base>.index}; each start of the server opens the next one. A file is MySQL's v4 format:
 * the magic {@code \xfebin}, a format description event and an empty previous-GTIDs event (so the first statement
 * starts at 154 as on 5.7, 157 on 8.0), then one query event per statement that changed something — statement-based
 * ({@code binlog_format} STATEMENT), with its default database. Replicas read it through COM_BINLOG_DUMP
 * ({@link BinlogSender}). Thread-safe: appends are serialised; {@link #onAppend} tells the senders.
 */
final class Binlog {

  static final int QUERY_EVENT = 2;
  static final int ROTATE_EVENT = 4;
  static final int FORMAT_DESCRIPTION_EVENT = 15;
  private static final int PREVIOUS_GTIDS_EVENT = 35;
  private static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};

  /** One event read back: its type, its bytes (header included), where the next one starts. */
  record Event(int type, Buffer bytes, long end) {
  }

  private final Path dir;
  private final String base;
  private final long serverId;
  private final MysqlVersion version;
  private final List<Runnable> waiting = new ArrayList<>();
  private String current;
  private long position;
  private long generation;

  private Binlog(Path dir, String base, long serverId, MysqlVersion version) {
    this.dir = dir;
    this.base = base;
    this.serverId = serverId;
    this.version = version;
  }

  /** Opens the binary log {@code base} in {@code dir}: a new file after the ones listed. Blocking. */
  static Binlog open(Path dir, String base, long serverId, MysqlVersion version) throws IOException {
    Binlog b = new Binlog(dir, base, serverId, version);
    List<String> files = b.files();
    int next = files.isEmpty() ? 1 : Integer.parseInt(files.get(files.size() - 1).replaceAll(".*\\.", "")) + 1;
    b.current = String.format("%s.%06d", base, next);
    Buffer head = Buffer.buffer(MAGIC);
    head.appendBuffer(event(FORMAT_DESCRIPTION_EVENT, serverId, 4, formatDescription(version)));
    head.appendBuffer(event(PREVIOUS_GTIDS_EVENT, serverId, head.length(), Buffer.buffer(new byte[12])));
    Files.write(dir.resolve(b.current), head.getBytes());
    Files.writeString(dir.resolve(base + ".index"), "./" + b.current + "\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    b.position = head.length();
    return b;
  }

  /** The files of the log, oldest first, as the index lists them. Blocking. */
  synchronized List<String> files() throws IOException {
    Path index = dir.resolve(base + ".index");
    List<String> files = new ArrayList<>();
    if (Files.exists(index)) {
      for (String line : Files.readAllLines(index)) {
        if (!line.isBlank()) {
          files.add(line.strip().replaceFirst("^\\./", ""));
        }
      }
    }
    return files;
  }

  /** The base name ({@code mysql-0-bin}). */
  String base() {
    return base;
  }

  /** The file written now and the position after its last event ({@code SHOW MASTER STATUS}). */
  synchronized String file() {
    return current;
  }

  synchronized long position() {
    return position;
  }

  /** The size of {@code file} ({@code SHOW BINARY LOGS}). Blocking. */
  long size(String file) throws IOException {
    return Files.size(dir.resolve(file));
  }

  /** Appends the query event of {@code sql}, run with {@code database} as the default. Blocking. */
  void append(String database, String sql, long thread) throws IOException {
    List<Runnable> wake;
    synchronized (this) {
      byte[] db = database == null ? new byte[0] : database.getBytes(StandardCharsets.UTF_8);
      Buffer body = Buffer.buffer();
      Wire.int4(body, thread);
      Wire.int4(body, 0);
      body.appendByte((byte) db.length);
      Wire.int2(body, 0);
      Wire.int2(body, 0);
      body.appendBytes(db).appendByte((byte) 0).appendString(sql, "UTF-8");
      Buffer e = event(QUERY_EVENT, serverId, position, body);
      Files.write(dir.resolve(current), e.getBytes(), StandardOpenOption.APPEND);
      position += e.length();
      generation++;
      wake = new ArrayList<>(waiting);
      waiting.clear();
    }
    wake.forEach(Runnable::run);
  }

  /** The count of appends so far, for {@link #onAppend}. */
  synchronized long generation() {
    return generation;
  }

  /** Runs {@code r} once something is appended after {@code seen} (at once when it already was). */
  void onAppend(long seen, Runnable r) {
    synchronized (this) {
      if (generation == seen) {
        waiting.add(r);
        return;
      }
    }
    r.run();
  }

  /** The events of {@code file} from {@code from} to its end; null when the log has no such file. Blocking. */
  List<Event> read(String file, long from) throws IOException {
    Path p = dir.resolve(file);
    if (!files().contains(file) || !Files.exists(p)) {
      return null;
    }
    List<Event> events = new ArrayList<>();
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long at = Math.max(4, from);
      long length = f.length();
      while (at + 19 <= length) {
        byte[] header = new byte[19];
        f.seek(at);
        f.readFully(header);
        Buffer h = Buffer.buffer(header);
        long size = h.getUnsignedIntLE(9);
        if (size < 19 || at + size > length) {
          break;
        }
        byte[] all = new byte[(int) size];
        f.seek(at);
        f.readFully(all);
        events.add(new Event(h.getUnsignedByte(4), Buffer.buffer(all), at + size));
        at += size;
      }
    }
    return events;
  }

  /** The file after {@code file} in the index, or null. Blocking. */
  String after(String file) throws IOException {
    List<String> files = files();
    int i = files.indexOf(file);
    return i >= 0 && i + 1 < files.size() ? files.get(i + 1) : null;
  }

  /** An event of {@code type} that starts at {@code at}: its 19-byte header (the next position in it), its body. */
  static Buffer event(int type, long serverId, long at, Buffer body) {
    Buffer e = Buffer.buffer();
    Wire.int4(e, System.currentTimeMillis() / 1000);
    e.appendByte((byte) type);
    Wire.int4(e, serverId);
    Wire.int4(e, 19 + body.length());
    Wire.int4(e, at == 0 ? 0 : at + 19 + body.length());
    Wire.int2(e, 0);
    return e.appendBuffer(body);
  }

  /** A rotate event to {@code file} at {@code position}, as a sender makes one when a replica moves on to it. */
  static Buffer rotate(long serverId, String file, long position) {
    Buffer body = Buffer.buffer();
    body.appendLongLE(position);
    body.appendString(file, "UTF-8");
    return event(ROTATE_EVENT, serverId, 0, body);
  }

  /** The format description: version 4, the server's version; padded to MySQL's size (119 bytes on 5.7, 122 on 8). */
  private static Buffer formatDescription(MysqlVersion version) {
    Buffer body = Buffer.buffer();
    Wire.int2(body, 4);
    byte[] v = new byte[50];
    byte[] number = (version.number() + "-log").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(number, 0, v, 0, Math.min(number.length, 50));
    body.appendBytes(v);
    Wire.int4(body, 0);
    body.appendByte((byte) 19);
    int size = version.major() >= 8 ? 122 : 119;
    body.appendBytes(new byte[size - 19 - body.length()]);
    return body;
  }

  /** The query and default database of a query event. */
  static String[] query(Buffer event) {
    int dbLength = event.getUnsignedByte(19 + 8);
    int varsLength = event.getUnsignedShortLE(19 + 11);
    int dbAt = 19 + 13 + varsLength;
    String db = event.getString(dbAt, dbAt + dbLength, "UTF-8");
    String sql = event.getString(dbAt + dbLength + 1, event.length(), "UTF-8");
    return new String[] {db, sql};
  }
}
