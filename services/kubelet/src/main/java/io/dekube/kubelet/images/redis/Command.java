package io.dekube.kubelet.images.redis;

import java.util.List;
import java.util.Locale;

/**
 * One command of the server: its lowercase name, redis's arity (n: exactly n words with the name; -n: at least
 * n), whether it writes (refused on a read-only replica, sent on to replicas), and what it does.
 */
record Command(String name, int arity, boolean write, Handler handler) {

  /** What a command does with its call; runs under the server's lock. */
  interface Handler {
    Reply run(Call call);
  }

  /** Whether {@code argv} has a number of words this command takes. */
  boolean fits(List<String> argv) {
    return arity > 0 ? argv.size() == arity : argv.size() >= -arity;
  }

  static Reply wrongArity(String name) {
    return Reply.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
  }
}
