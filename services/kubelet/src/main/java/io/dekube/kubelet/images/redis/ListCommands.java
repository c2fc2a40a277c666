package io.dekube.kubelet.images.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The list commands: LPUSH, RPUSH (and -X), LPOP, RPOP, LRANGE, LLEN, LINDEX, LTRIM, LREM. */
final class ListCommands {

  private ListCommands() {
  }

  static void register(Map<String, Command> table) {
    add(table, "lpush", -3, true, c -> push(c, true, false));
    add(table, "rpush", -3, true, c -> push(c, false, false));
    add(table, "lpushx", -3, true, c -> push(c, true, true));
    add(table, "rpushx", -3, true, c -> push(c, false, true));
    add(table, "lpop", 2, true, c -> pop(c, true));
    add(table, "rpop", 2, true, c -> pop(c, false));
    add(table, "llen", 2, false, c -> {
      ArrayDeque<?> l = list(c);
      return Reply.integer(l == null ? 0 : l.size());
    });
    add(table, "lrange", 4, false, c -> {
      ArrayDeque<?> l = list(c);
      long start = c.integer(2);
      long stop = c.integer(3);
      if (l == null) {
        return Reply.EMPTY;
      }
      List<String> items = new ArrayList<>(strings(l));
      int[] r = range(start, stop, items.size());
      return Reply.bulks(r == null ? List.of() : items.subList(r[0], r[1] + 1));
    });
    add(table, "lindex", 3, false, c -> {
      ArrayDeque<?> l = list(c);
      long i = c.integer(2);
      if (l == null) {
        return Reply.NIL;
      }
      List<String> items = strings(l);
      long at = i < 0 ? items.size() + i : i;
      return Reply.bulk(at < 0 || at >= items.size() ? null : items.get((int) at));
    });
    add(table, "ltrim", 4, true, c -> {
      ArrayDeque<?> l = list(c);
      long start = c.integer(2);
      long stop = c.integer(3);
      if (l == null) {
        return Reply.OK;
      }
      List<String> items = strings(l);
      int[] r = range(start, stop, items.size());
      if (r == null) {
        c.keys().remove(c.db(), c.arg(1));
      } else {
        c.keys().put(c.db(), c.arg(1), new ArrayDeque<>(items.subList(r[0], r[1] + 1)), true);
      }
      return Reply.OK;
    });
    add(table, "lrem", 4, true, ListCommands::lrem);
  }

  private static void add(Map<String, Command> table, String name, int arity, boolean write, Command.Handler h) {
    table.put(name, new Command(name, arity, write, h));
  }

  @SuppressWarnings("unchecked")
  private static ArrayDeque<String> list(Call c) {
    return c.value(c.arg(1), ArrayDeque.class);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(ArrayDeque<?> l) {
    return new ArrayList<>((ArrayDeque<String>) l);
  }

  /** Redis's inclusive range with negative indices from the end; null when empty. */
  static int[] range(long start, long stop, int size) {
    if (start < 0) {
      start = Math.max(0, size + start);
    }
    if (stop < 0) {
      stop = size + stop;
    }
    if (start > stop || start >= size) {
      return null;
    }
    return new int[] {(int) start, (int) Math.min(stop, size - 1)};
  }

  private static Reply push(Call c, boolean left, boolean onlyExisting) {
    ArrayDeque<String> l = list(c);
    if (l == null) {
      if (onlyExisting) {
        return Reply.ZERO;
      }
      l = new ArrayDeque<>();
      c.keys().put(c.db(), c.arg(1), l, false);
    }
    for (int i = 2; i < c.argc(); i++) {
      if (left) {
        l.addFirst(c.arg(i));
      } else {
        l.addLast(c.arg(i));
      }
    }
    return Reply.integer(l.size());
  }

  private static Reply pop(Call c, boolean left) {
    ArrayDeque<String> l = list(c);
    if (l == null) {
      return Reply.NIL;
    }
    String v = left ? l.pollFirst() : l.pollLast();
    if (l.isEmpty()) {
      c.keys().remove(c.db(), c.arg(1));
    }
    return Reply.bulk(v);
  }

  private static Reply lrem(Call c) {
    ArrayDeque<String> l = list(c);
    long count = c.integer(2);
    if (l == null) {
      return Reply.ZERO;
    }
    long removed = 0;
    Iterator<String> it = count < 0 ? l.descendingIterator() : l.iterator();
    while (it.hasNext() && (count == 0 || removed < Math.abs(count))) {
      if (it.next().equals(c.arg(3))) {
        it.remove();
        removed++;
      }
    }
    if (l.isEmpty()) {
      c.keys().remove(c.db(), c.arg(1));
    }
    return Reply.integer(removed);
  }
}
