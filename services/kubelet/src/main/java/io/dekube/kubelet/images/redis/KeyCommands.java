package io.dekube.kubelet.images.redis;

import java.util.ArrayDeque;
import java.util.Map;

/** The commands on keys of any type: DEL, EXISTS, EXPIRE and its kin, TTL, PTTL, PERSIST, TYPE, KEYS. */
final class KeyCommands {

  private KeyCommands() {
  }

  static void register(Map<String, Command> table) {
    add(table, "del", -2, true, KeyCommands::del);
    add(table, "unlink", -2, true, KeyCommands::del);
    add(table, "exists", -2, false, c -> {
      long n = 0;
      for (int i = 1; i < c.argc(); i++) {
        n += c.keys().exists(c.db(), c.arg(i)) ? 1 : 0;
      }
      return Reply.integer(n);
    });
    add(table, "expire", 3, true, c -> expire(c, c.keys().now(), 1000));
    add(table, "pexpire", 3, true, c -> expire(c, c.keys().now(), 1));
    add(table, "expireat", 3, true, c -> expire(c, 0, 1000));
    add(table, "pexpireat", 3, true, c -> expire(c, 0, 1));
    add(table, "ttl", 2, false, c -> ttl(c, true));
    add(table, "pttl", 2, false, c -> ttl(c, false));
    add(table, "persist", 2, true, c -> Reply.integer(c.keys().exists(c.db(), c.arg(1))
        && c.keys().persist(c.db(), c.arg(1)) ? 1 : 0));
    add(table, "type", 2, false, c -> {
      Object v = c.keys().get(c.db(), c.arg(1));
      return new Reply.Status(v == null ? "none" : v instanceof String ? "string" : v instanceof ArrayDeque ? "list"
          : "hash");
    });
    add(table, "keys", 2, false, c -> Reply.bulks(c.keys().keys(c.db()).stream()
        .filter(k -> Glob.matches(c.arg(1), k, false)).toList()));
  }

  private static void add(Map<String, Command> table, String name, int arity, boolean write, Command.Handler h) {
    table.put(name, new Command(name, arity, write, h));
  }

  private static Reply del(Call c) {
    long n = 0;
    for (int i = 1; i < c.argc(); i++) {
      if (c.keys().exists(c.db(), c.arg(i))) {
        c.keys().remove(c.db(), c.arg(i));
        n++;
      }
    }
    return Reply.integer(n);
  }

  /** {@code EXPIRE key n}: a time in the past deletes the key at once (on a master). */
  private static Reply expire(Call c, long base, long unit) {
    long n = c.integer(2);
    if (!c.keys().exists(c.db(), c.arg(1))) {
      return Reply.ZERO;
    }
    long at;
    try {
      at = Math.addExact(base, Math.multiplyExact(n, unit));
    } catch (ArithmeticException e) {
      return Reply.error("ERR invalid expire time in " + c.arg(0).toLowerCase(java.util.Locale.ROOT));
    }
    if (at <= c.keys().now() && !c.session.fromMaster) {
      c.keys().remove(c.db(), c.arg(1));
      return Reply.ONE;
    }
    c.keys().expireAt(c.db(), c.arg(1), at);
    return Reply.ONE;
  }

  private static Reply ttl(Call c, boolean seconds) {
    if (!c.keys().exists(c.db(), c.arg(1))) {
      return Reply.integer(-2);
    }
    long at = c.keys().expiry(c.db(), c.arg(1));
    if (at < 0) {
      return Reply.integer(-1);
    }
    long left = Math.max(0, at - c.keys().now());
    return Reply.integer(seconds ? (left + 500) / 1000 : left);
  }
}
