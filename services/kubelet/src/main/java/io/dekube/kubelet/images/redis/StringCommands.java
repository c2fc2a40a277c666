package io.dekube.kubelet.images.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The string commands: GET, SET (EX, PX, NX, XX, KEEPTTL), INCR and its kin, APPEND, MGET, MSET… */
final class StringCommands {

  private StringCommands() {
  }

  static void register(Map<String, Command> table) {
    add(table, "get", 2, false, c -> Reply.bulk(c.value(c.arg(1), String.class)));
    add(table, "set", -3, true, StringCommands::set);
    add(table, "setnx", 3, true, c -> {
      if (c.keys().exists(c.db(), c.arg(1))) {
        return Reply.ZERO;
      }
      c.keys().put(c.db(), c.arg(1), c.arg(2), false);
      return Reply.ONE;
    });
    add(table, "setex", 4, true, c -> setWithTtl(c, 1000));
    add(table, "psetex", 4, true, c -> setWithTtl(c, 1));
    add(table, "getset", 3, true, c -> {
      String old = c.value(c.arg(1), String.class);
      c.keys().put(c.db(), c.arg(1), c.arg(2), false);
      return Reply.bulk(old);
    });
    add(table, "mget", -2, false, c -> {
      List<Reply> out = new ArrayList<>();
      for (int i = 1; i < c.argc(); i++) {
        Object v = c.keys().get(c.db(), c.arg(i));
        out.add(Reply.bulk(v instanceof String s ? s : null));
      }
      return new Reply.Array(out);
    });
    add(table, "mset", -3, true, c -> {
      if (c.argc() % 2 == 0) {
        return Command.wrongArity("mset");
      }
      for (int i = 1; i < c.argc(); i += 2) {
        c.keys().put(c.db(), c.arg(i), c.arg(i + 1), false);
      }
      return Reply.OK;
    });
    add(table, "incr", 2, true, c -> add(c, 1));
    add(table, "decr", 2, true, c -> add(c, -1));
    add(table, "incrby", 3, true, c -> add(c, c.integer(2)));
    add(table, "decrby", 3, true, c -> {
      long by = c.integer(2);
      if (by == Long.MIN_VALUE) {
        return Reply.error("ERR decrement would overflow");
      }
      return add(c, -by);
    });
    add(table, "append", 3, true, c -> {
      String old = c.value(c.arg(1), String.class);
      String now = old == null ? c.arg(2) : old + c.arg(2);
      c.keys().put(c.db(), c.arg(1), now, true);
      return Reply.integer(now.length());
    });
    add(table, "strlen", 2, false, c -> {
      String v = c.value(c.arg(1), String.class);
      return Reply.integer(v == null ? 0 : v.length());
    });
  }

  private static void add(Map<String, Command> table, String name, int arity, boolean write, Command.Handler h) {
    table.put(name, new Command(name, arity, write, h));
  }

  /** {@code SET key value [EX s|PX ms] [NX|XX] [KEEPTTL]}, as redis 6 parses it. */
  private static Reply set(Call c) {
    boolean nx = false;
    boolean xx = false;
    boolean keepTtl = false;
    long ttl = -1;
    String unit = null;
    for (int i = 3; i < c.argc(); i++) {
      String o = c.arg(i).toLowerCase(Locale.ROOT);
      boolean more = i + 1 < c.argc();
      if (o.equals("nx") && !xx) {
        nx = true;
      } else if (o.equals("xx") && !nx) {
        xx = true;
      } else if (o.equals("keepttl") && unit == null) {
        keepTtl = true;
      } else if ((o.equals("ex") || o.equals("px")) && unit == null && !keepTtl && more) {
        unit = o;
        ttl = c.integer(++i);
      } else {
        return Call.SYNTAX;
      }
    }
    if (unit != null && ttl <= 0) {
      return Reply.error("ERR invalid expire time in set");
    }
    boolean exists = c.keys().exists(c.db(), c.arg(1));
    if ((nx && exists) || (xx && !exists)) {
      return Reply.NIL;
    }
    c.keys().put(c.db(), c.arg(1), c.arg(2), keepTtl);
    if (unit != null) {
      c.keys().expireAt(c.db(), c.arg(1), c.keys().now() + (unit.equals("ex") ? ttl * 1000 : ttl));
    }
    return Reply.OK;
  }

  private static Reply setWithTtl(Call c, long unitMillis) {
    long ttl = c.integer(2);
    if (ttl <= 0) {
      return Reply.error("ERR invalid expire time in " + c.arg(0).toLowerCase(Locale.ROOT));
    }
    c.keys().put(c.db(), c.arg(1), c.arg(3), false);
    c.keys().expireAt(c.db(), c.arg(1), c.keys().now() + ttl * unitMillis);
    return Reply.OK;
  }

  private static Reply add(Call c, long by) {
    String old = c.value(c.arg(1), String.class);
    long n = old == null ? 0 : Call.integer(old, Call.NOT_INTEGER);
    long sum;
    try {
      sum = Math.addExact(n, by);
    } catch (ArithmeticException e) {
      return Reply.error("ERR increment or decrement would overflow");
    }
    c.keys().put(c.db(), c.arg(1), Long.toString(sum), true);
    return Reply.integer(sum);
  }
}
