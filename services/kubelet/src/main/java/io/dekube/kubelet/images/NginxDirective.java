package io.dekube.kubelet.images;

import java.util.List;

/**
 * One directive of an nginx configuration as nginx's parser reads it: its name, its arguments (quotes taken off,
 * escapes read), its block ({@code server { … }}; null for a simple directive ended by {@code ;}) and where it
 * is — the file and the line of the {@code ;} or {@code {} that ends it, as nginx's messages name it. Immutable.
 */
record NginxDirective(String name, List<String> args, List<NginxDirective> block, String file, int line) {

  /** {@code FILE:LINE}, as nginx's {@code [emerg]} messages end. */
  String at() {
    return file + ":" + line;
  }

  /** The first argument, or null. */
  String arg() {
    return args.isEmpty() ? null : args.get(0);
  }

  /** Whether this directive opens a block. */
  boolean isBlock() {
    return block != null;
  }
}
