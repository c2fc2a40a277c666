package io.dekube.kubelet.images.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The data of a redis server, in memory only: {@code databases} numbered key spaces, each key a string
 * ({@link String}), a list ({@link ArrayDeque}) or a hash ({@link LinkedHashMap}), with expiry times in
 * milliseconds since the epoch. An expired key is gone for every reader; a master deletes it when it is read or
 * swept and says so ({@code onExpired}: the {@code DEL} it propagates), a replica keeps it until its master's
 * {@code DEL} comes, as redis's replicas do. Not thread-safe: the server calls it under its lock.
 */
final class Keyspace {

  /** Who tells the time (tests may move it). */
  interface Clock {
    long millis();
  }

  private final List<Map<String, Object>> dbs = new ArrayList<>();
  private final List<Map<String, Long>> expires = new ArrayList<>();
  private final Clock clock;
  private boolean master = true;
  private Consumer<ExpiredKey> onExpired = k -> { };

  /** A key a master removed as expired. */
  record ExpiredKey(int db, String key) {
  }

  Keyspace(int databases, Clock clock) {
    this.clock = clock;
    for (int i = 0; i < databases; i++) {
      dbs.add(new HashMap<>());
      expires.add(new HashMap<>());
    }
  }

  int databases() {
    return dbs.size();
  }

  long now() {
    return clock.millis();
  }

  /** Whether expired keys are deleted here (a master) or wait for the master's DEL (a replica). */
  void master(boolean master, Consumer<ExpiredKey> onExpired) {
    this.master = master;
    this.onExpired = onExpired;
  }

  /** The value of {@code key}, or null when there is none or it expired. */
  Object get(int db, String key) {
    Object v = dbs.get(db).get(key);
    if (v == null) {
      return null;
    }
    Long at = expires.get(db).get(key);
    if (at != null && at <= clock.millis()) {
      if (master) {
        remove(db, key);
        onExpired.accept(new ExpiredKey(db, key));
      }
      return null;
    }
    return v;
  }

  boolean exists(int db, String key) {
    return get(db, key) != null;
  }

  /** Sets {@code key}, dropping its expiry unless {@code keepTtl}. */
  void put(int db, String key, Object value, boolean keepTtl) {
    dbs.get(db).put(key, value);
    if (!keepTtl) {
      expires.get(db).remove(key);
    }
  }

  boolean remove(int db, String key) {
    expires.get(db).remove(key);
    return dbs.get(db).remove(key) != null;
  }

  /** The expiry of {@code key} in ms since the epoch, or -1 for none. */
  long expiry(int db, String key) {
    Long at = expires.get(db).get(key);
    return at == null ? -1 : at;
  }

  void expireAt(int db, String key, long millis) {
    expires.get(db).put(key, millis);
  }

  boolean persist(int db, String key) {
    return expires.get(db).remove(key) != null;
  }

  /** The live keys of {@code db}. */
  List<String> keys(int db) {
    long now = clock.millis();
    Map<String, Long> e = expires.get(db);
    return dbs.get(db).keySet().stream().filter(k -> e.getOrDefault(k, Long.MAX_VALUE) > now).toList();
  }

  int size(int db) {
    return keys(db).size();
  }

  /** How many keys of {@code db} have an expiry. */
  int expiring(int db) {
    return expires.get(db).size();
  }

  void flush(int db) {
    dbs.get(db).clear();
    expires.get(db).clear();
  }

  void flushAll() {
    for (int i = 0; i < dbs.size(); i++) {
      flush(i);
    }
  }

  /** A master's sweep: removes the keys whose time has come, each told to {@code onExpired}. */
  void sweep() {
    if (!master) {
      return;
    }
    long now = clock.millis();
    for (int db = 0; db < dbs.size(); db++) {
      List<String> due = new ArrayList<>();
      expires.get(db).forEach((k, at) -> {
        if (at <= now) {
          due.add(k);
        }
      });
      for (String k : due) {
        remove(db, k);
        onExpired.accept(new ExpiredKey(db, k));
      }
    }
  }

  /** Every live entry of every database, for a replica's full sync: {@code (db, key, value, expiry or -1)}. */
  void forEach(EntryVisitor visitor) {
    for (int db = 0; db < dbs.size(); db++) {
      for (String k : keys(db)) {
        visitor.visit(db, k, dbs.get(db).get(k), expiry(db, k));
      }
    }
  }

  /** See {@link #forEach}. */
  interface EntryVisitor {
    void visit(int db, String key, Object value, long expiresAt);
  }
}
