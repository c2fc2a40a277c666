package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first line of a script run by its path: {@code #!/bin/sh -e} (or {@code #!/usr/bin/env sh}) names the shell and
 * the flags the kernel would pass it. Pure.
 */
public final class Shebang {

  /** The shells the built-in shell runs as: busybox's {@code sh} and {@code ash}, and {@code bash}. */
  public static final List<String> SHELLS = List.of("sh", "ash", "bash");

  private Shebang() {
  }

  /** {@code sh} and the flags of {@code script}'s {@code #!} line when it names a shell; null otherwise. */
  public static List<String> shell(String script) {
    if (!script.startsWith("#!")) {
      return null;
    }
    int eol = script.indexOf('\n');
    String line = script.substring(2, eol < 0 ? script.length() : eol).trim();
    List<String> words = new ArrayList<>(Arrays.asList(line.split("\\s+")));
    if (!words.isEmpty() && base(words.get(0)).equals("env")) {
      words.remove(0);
    }
    if (words.isEmpty() || !SHELLS.contains(base(words.get(0)))) {
      return null;
    }
    words.set(0, base(words.get(0)));
    return words;
  }

  private static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
