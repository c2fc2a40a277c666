package io.dekube.kubelet.images.mysql;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * The primary's side of a replica's COM_BINLOG_DUMP: a rotate event naming the file asked for, then its events from
 * the position asked, each in a packet of its own ({@code 0x00} + the event); at the end of a file the log has gone
 * past, a rotate event to the next; at the end of the last, it waits for the next append. A file the log does not
 * have ends it with MySQL's error 1236. Reads on the workers, writes on the socket's context; ends with the socket.
 */
final class BinlogSender {

  private final NetSocket socket;
  private final Binlog binlog;
  private final long serverId;
  private final WorkerExecutor workers;
  private final Context context;
  private String file;
  private long position;
  private int seq = 1;
  private boolean closed;

  BinlogSender(NetSocket socket, Binlog binlog, long serverId, WorkerExecutor workers, String file, long position) {
    this.socket = socket;
    this.binlog = binlog;
    this.serverId = serverId;
    this.workers = workers;
    this.context = Vertx.currentContext();
    this.file = file;
    this.position = position;
  }

  /** Starts sending; {@code file} empty: the log's first file. */
  void start() {
    workers.executeBlocking(() -> {
      List<String> files = binlog.files();
      return file.isEmpty() && !files.isEmpty() ? files.get(0) : file;
    }, false).onSuccess(f -> {
      file = f;
      position = Math.max(4, position);
      send(Binlog.rotate(serverId, file, position));
      pump();
    });
  }

  /** The replica went away. */
  void stop() {
    closed = true;
  }

  private void pump() {
    if (closed) {
      return;
    }
    long seen = binlog.generation();
    String reading = file;
    long from = position;
    workers.executeBlocking(() -> {
      List<Binlog.Event> events = binlog.read(reading, from);
      String next = events == null ? null : binlog.after(reading);
      return new Object[] {events, next};
    }, false).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed() || ar.result()[0] == null) {
        fail();
        return;
      }
      @SuppressWarnings("unchecked")
      List<Binlog.Event> events = (List<Binlog.Event>) ar.result()[0];
      String next = (String) ar.result()[1];
      for (Binlog.Event e : events) {
        send(e.bytes());
        position = e.end();
      }
      if (next != null) {
        file = next;
        position = 4;
        send(Binlog.rotate(serverId, file, position));
        pump();
      } else if (!events.isEmpty()) {
        pump();
      } else {
        binlog.onAppend(seen, () -> context.runOnContext(v -> pump()));
      }
    });
  }

  private void fail() {
    socket.write(Wire.packet(seq & 0xFF, Packets.error(new SqlResult.Error(1236, "HY000",
        "Could not find first log file name in binary log index file"))));
    socket.close();
  }

  private void send(Buffer event) {
    socket.write(Wire.packet(seq++ & 0xFF, Buffer.buffer().appendByte((byte) 0).appendBuffer(event)));
  }
}
