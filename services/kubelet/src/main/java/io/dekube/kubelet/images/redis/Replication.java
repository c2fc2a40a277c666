package io.dekube.kubelet.images.redis;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's place in replication. As a master it keeps its replicas — clients that asked {@code PSYNC} or
 * {@code SYNC} — gives each a full copy of the data and then every write command (and a {@code PING} every
 * {@code repl-ping-replica-period} seconds), counting the stream's bytes as the replication offset. As a replica
 * ({@code replicaof}, {@code REPLICAOF host port}) it follows a {@link MasterLink}. The full copy is the data as
 * commands (SELECT, SET, RPUSH, HSET, PEXPIREAT) where redis sends an RDB file: dekube's replicas only ever sync
 * from dekube's masters. Called under the server's lock.
 */
final class Replication {

  /** A replica of this master: its session, the address it gave, the offset it acknowledged. */
  static final class Replica {
    final Session session;
    final String ip;
    final int port;
    long ackOffset;
    long ackAt = System.currentTimeMillis();

    Replica(Session session, String ip, int port) {
      this.session = session;
      this.ip = ip;
      this.port = port;
    }
  }

  private final Vertx vertx;
  private final RedisServer server;
  private final RedisLog log;
  private final Map<Session, Replica> replicas = new LinkedHashMap<>();
  private String replid = RedisServer.hex(20);
  private long offset;
  private int streamDb = -1;
  private long pinger = -1;
  private MasterLink link;

  Replication(Vertx vertx, RedisServer server, RedisLog log) {
    this.vertx = vertx;
    this.server = server;
    this.log = log;
  }

  boolean isReplica() {
    return link != null;
  }

  MasterLink link() {
    return link;
  }

  String replid() {
    return replid;
  }

  long offset() {
    return offset;
  }

  List<Replica> replicas() {
    return new ArrayList<>(replicas.values());
  }

  /** Becomes a replica of {@code host:port} (again); its replicas and its own data are given up as redis does. */
  void follow(String host, int port, boolean configured) {
    if (link != null) {
      link.close();
    } else if (!configured) {
      log.notice("Before turning into a replica, using my own master parameters to synthesize a cached master: I "
          + "may be able to synchronize with the new master with just a partial transfer.");
    }
    dropReplicas();
    server.config().replicaof(host + " " + port);
    log.role('S');
    server.keyspace().master(false, k -> { });
    link = new MasterLink(vertx, server, host, port, log);
    link.start();
  }

  /** {@code REPLICAOF NO ONE}: a master again, with a new replication ID. */
  void promote(String by) {
    if (link == null) {
      return;
    }
    link.close();
    link = null;
    server.config().replicaof("");
    replid = RedisServer.hex(20);
    log.role('M');
    server.keyspace().master(true, expired -> propagate(expired.db(), List.of("DEL", expired.key())));
    log.notice("Setting secondary replication ID to " + replid + ", valid up to offset: " + (offset + 1)
        + ". New replication ID is " + replid);
    log.notice("MASTER MODE enabled (user request from 'addr=" + by + "')");
  }

  /** Adopts the master's ID and offset after a full sync. */
  void synced(String masterReplid, long masterOffset) {
    replid = masterReplid;
    offset = masterOffset;
  }

  /** A replica applied {@code bytes} more of its master's stream. */
  void advance(long bytes) {
    offset += bytes;
  }

  /**
   * {@code PSYNC}/{@code SYNC} from {@code s}: the {@code +FULLRESYNC} line (not for SYNC), then the data as a
   * payload; from now on {@code s} gets the stream.
   */
  void fullSync(Session s, boolean psync) {
    String ip = s.address.substring(0, s.address.lastIndexOf(':'));
    int port = s.listeningPort > 0 ? s.listeningPort : Integer.parseInt(s.address.substring(s.address.lastIndexOf(':')
        + 1));
    String who = ip + ":" + port;
    log.notice("Replica " + who + " asks for synchronization");
    log.notice("Full resync requested by replica " + who);
    if (replicas.isEmpty() && offset == 0) {
      log.notice("Replication backlog created, my new replication IDs are '" + replid
          + "' and '0000000000000000000000000000000000000000'");
    }
    log.notice("Starting BGSAVE for SYNC with target: replicas sockets");
    Buffer snapshot = snapshot();
    if (psync) {
      s.socket.write(Reply.encode(new Reply.Status("FULLRESYNC " + replid + " " + offset)));
    }
    s.socket.write(Buffer.buffer("$" + snapshot.length() + "\r\n").appendBuffer(snapshot));
    streamDb = -1;
    replicas.put(s, new Replica(s, ip, port));
    log.notice("Synchronization with replica " + who + " succeeded");
    if (pinger < 0) {
      long every = Math.max(1, server.config().number("repl-ping-replica-period")) * 1000;
      pinger = vertx.setPeriodic(every, t -> {
        synchronized (server) {
          if (!replicas.isEmpty()) {
            propagate(-1, List.of("PING"));
          }
        }
      });
    }
  }

  /** {@code REPLCONF ACK offset} from a replica. */
  void ack(Session s, long acked) {
    Replica r = replicas.get(s);
    if (r != null) {
      r.ackOffset = acked;
      r.ackAt = System.currentTimeMillis();
    }
  }

  /** The client {@code s} went away: a replica of it is lost. */
  void gone(Session s) {
    Replica r = replicas.remove(s);
    if (r != null) {
      log.notice("Connection with replica " + r.ip + ":" + r.port + " lost.");
    }
  }

  /** Sends a write command (run in database {@code db}; -1: any) to the replicas, after a SELECT when needed. */
  void propagate(int db, List<String> argv) {
    if (replicas.isEmpty()) {
      return;
    }
    Buffer out = Buffer.buffer();
    if (db >= 0 && db != streamDb) {
      out.appendBuffer(Reply.command(List.of("SELECT", Integer.toString(db))));
      streamDb = db;
    }
    out.appendBuffer(Reply.command(argv));
    offset += out.length();
    replicas.keySet().forEach(s -> s.socket.write(out));
  }

  void stop() {
    if (link != null) {
      link.close();
    }
    if (pinger >= 0) {
      vertx.cancelTimer(pinger);
    }
  }

  private void dropReplicas() {
    new ArrayList<>(replicas.keySet()).forEach(s -> s.socket.close());
    replicas.clear();
  }

  /** Every key as the commands that make it again. */
  private Buffer snapshot() {
    Buffer b = Buffer.buffer();
    int[] db = {-1};
    server.keyspace().forEach((d, key, value, expiresAt) -> {
      if (d != db[0]) {
        b.appendBuffer(Reply.command(List.of("SELECT", Integer.toString(d))));
        db[0] = d;
      }
      List<String> argv = new ArrayList<>();
      if (value instanceof String s) {
        argv.addAll(List.of("SET", key, s));
      } else if (value instanceof ArrayDeque<?> l) {
        argv.addAll(List.of("RPUSH", key));
        l.forEach(item -> argv.add((String) item));
      } else if (value instanceof Map<?, ?> h) {
        argv.addAll(List.of("HSET", key));
        h.forEach((f, v) -> {
          argv.add((String) f);
          argv.add((String) v);
        });
      }
      b.appendBuffer(Reply.command(argv));
      if (expiresAt >= 0) {
        b.appendBuffer(Reply.command(List.of("PEXPIREAT", key, Long.toString(expiresAt))));
      }
    });
    return b;
  }
}
