package io.dekube.kubelet.images.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hash commands: HSET, HMSET, HGET, HMGET, HGETALL, HDEL, HEXISTS, HLEN, HKEYS, HVALS, HINCRBY. */
final class HashCommands {

  private HashCommands() {
  }

  static void register(Map<String, Command> table) {
    add(table, "hset", -4, true, c -> set(c, false));
    add(table, "hmset", -4, true, c -> set(c, true));
    add(table, "hsetnx", 4, true, c -> {
      Map<String, String> h = hash(c, true);
      if (h.containsKey(c.arg(2))) {
        return Reply.ZERO;
      }
      h.put(c.arg(2), c.arg(3));
      return Reply.ONE;
    });
    add(table, "hget", 3, false, c -> {
      Map<String, String> h = hash(c, false);
      return Reply.bulk(h == null ? null : h.get(c.arg(2)));
    });
    add(table, "hmget", -3, false, c -> {
      Map<String, String> h = hash(c, false);
      List<Reply> out = new ArrayList<>();
      for (int i = 2; i < c.argc(); i++) {
        out.add(Reply.bulk(h == null ? null : h.get(c.arg(i))));
      }
      return new Reply.Array(out);
    });
    add(table, "hgetall", 2, false, c -> {
      Map<String, String> h = hash(c, false);
      List<String> out = new ArrayList<>();
      if (h != null) {
        h.forEach((k, v) -> {
          out.add(k);
          out.add(v);
        });
      }
      return Reply.bulks(out);
    });
    add(table, "hkeys", 2, false, c -> {
      Map<String, String> h = hash(c, false);
      return Reply.bulks(h == null ? List.of() : new ArrayList<>(h.keySet()));
    });
    add(table, "hvals", 2, false, c -> {
      Map<String, String> h = hash(c, false);
      return Reply.bulks(h == null ? List.of() : new ArrayList<>(h.values()));
    });
    add(table, "hlen", 2, false, c -> {
      Map<String, String> h = hash(c, false);
      return Reply.integer(h == null ? 0 : h.size());
    });
    add(table, "hexists", 3, false, c -> {
      Map<String, String> h = hash(c, false);
      return Reply.integer(h != null && h.containsKey(c.arg(2)) ? 1 : 0);
    });
    add(table, "hdel", -3, true, c -> {
      Map<String, String> h = hash(c, false);
      if (h == null) {
        return Reply.ZERO;
      }
      long n = 0;
      for (int i = 2; i < c.argc(); i++) {
        n += h.remove(c.arg(i)) != null ? 1 : 0;
      }
      if (h.isEmpty()) {
        c.keys().remove(c.db(), c.arg(1));
      }
      return Reply.integer(n);
    });
    add(table, "hincrby", 4, true, c -> {
      long by = c.integer(3);
      Map<String, String> h = hash(c, true);
      String old = h.get(c.arg(2));
      long n = old == null ? 0 : Call.integer(old, Reply.error("ERR hash value is not an integer"));
      long sum;
      try {
        sum = Math.addExact(n, by);
      } catch (ArithmeticException e) {
        return Reply.error("ERR increment or decrement would overflow");
      }
      h.put(c.arg(2), Long.toString(sum));
      return Reply.integer(sum);
    });
  }

  private static void add(Map<String, Command> table, String name, int arity, boolean write, Command.Handler h) {
    table.put(name, new Command(name, arity, write, h));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> hash(Call c, boolean create) {
    Map<String, String> h = c.value(c.arg(1), LinkedHashMap.class);
    if (h == null && create) {
      h = new LinkedHashMap<>();
      c.keys().put(c.db(), c.arg(1), h, false);
    }
    return h;
  }

  private static Reply set(Call c, boolean hmset) {
    if (c.argc() % 2 != 0) {
      return Command.wrongArity(c.arg(0));
    }
    Map<String, String> h = hash(c, true);
    long added = 0;
    for (int i = 2; i < c.argc(); i += 2) {
      added += h.put(c.arg(i), c.arg(i + 1)) == null ? 1 : 0;
    }
    return hmset ? Reply.OK : Reply.integer(added);
  }
}
