package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of tar that kubectl cp passes: bundled flags ({@code cf}, {@code -xmf}), {@code -C DIR} (null
 * without: the working folder), paths; long options are ignored. Pure.
 */
record TarArgs(boolean create, boolean extract, String dir, List<String> paths) {
  static TarArgs parse(List<String> args) {
    boolean create = false;
    boolean extract = false;
    String dir = null;
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-C") && i + 1 < args.size()) {
        dir = args.get(++i);
      } else if (a.startsWith("--")) {
        continue;
      } else if ((i == 0 && !a.startsWith("/")) || (a.startsWith("-") && a.length() > 1)) {
        create |= a.contains("c");
        extract |= a.contains("x");
        if (a.contains("f") && i + 1 < args.size()) {
          i++; // the archive: kubectl passes "-" (stdin or stdout)
        }
      } else {
        paths.add(a);
      }
    }
    return new TarArgs(create, extract, dir, paths);
  }

  static boolean extracts(List<String> argv) {
    return !argv.isEmpty() && argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).equals("tar")
        && parse(argv.subList(1, argv.size())).extract();
  }
}
