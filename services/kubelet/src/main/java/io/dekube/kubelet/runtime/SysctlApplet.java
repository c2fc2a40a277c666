package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * busybox's {@code sysctl} over the container's {@code /proc/sys}: {@code sysctl NAME...} prints
 * {@code NAME = VALUE}, {@code -n} the values only, {@code -N} the names only, {@code -a} every sysctl the container
 * sees, {@code -e} keeps quiet about unknown keys; a write ({@code -w NAME=VALUE}, or any {@code NAME=VALUE}) fails
 * as in a container, whose {@code /proc/sys} is mounted read-only. Reads the container's files: call from a worker
 * thread.
 */
final class SysctlApplet {

  private final ContainerFs fs;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  SysctlApplet(ContainerFs fs) {
    this.fs = fs;
  }

  AppletResult run(List<String> args) {
    boolean valuesOnly = false;
    boolean namesOnly = false;
    boolean all = false;
    boolean quietUnknown = false;
    List<String> keys = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("-") && a.length() > 1 && keys.isEmpty()) {
        for (char c : a.substring(1).toCharArray()) {
          switch (c) {
            case 'n' -> valuesOnly = true;
            case 'N' -> namesOnly = true;
            case 'a', 'A' -> all = true;
            case 'e' -> quietUnknown = true;
            case 'w', 'q' -> { }
            default -> {
              return new AppletResult("", "sysctl: invalid option -- '" + c + "'\n" + USAGE, 1);
            }
          }
        }
      } else {
        keys.add(a);
      }
    }
    if (all) {
      walk("/proc/sys", keys);
    } else if (keys.isEmpty()) {
      return new AppletResult("", USAGE, 1);
    }
    int code = 0;
    for (String key : keys) {
      code |= one(key, valuesOnly, namesOnly, quietUnknown);
    }
    return new AppletResult(out.toString(), err.toString(), code);
  }

  private int one(String key, boolean valuesOnly, boolean namesOnly, boolean quietUnknown) {
    int eq = key.indexOf('=');
    String name = (eq < 0 ? key : key.substring(0, eq)).strip();
    String shown = name.replace('/', '.');
    String path = "/proc/sys/" + name.replace('.', '/');
    if (eq >= 0) {
      try {
        fs.stat(path);
        err.append("sysctl: error setting key '").append(shown).append("': Read-only file system\n");
      } catch (IOException e) {
        if (!quietUnknown) {
          err.append("sysctl: error: '").append(shown).append("' is an unknown key\n");
        }
      }
      return 1;
    }
    try {
      String value = new String(fs.read(path), StandardCharsets.UTF_8);
      value = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      out.append(namesOnly ? shown : valuesOnly ? value : shown + " = " + value).append('\n');
      return 0;
    } catch (IOException e) {
      if (!quietUnknown) {
        err.append("sysctl: error: '").append(shown).append("' is an unknown key\n");
      }
      return 1;
    }
  }

  /** Every file under {@code dir}, as its dotted name, in order. */
  private void walk(String dir, List<String> into) {
    try {
      for (String n : fs.list(dir)) {
        String p = dir + "/" + n;
        if (fs.stat(p).dir()) {
          walk(p, into);
        } else {
          into.add(p.substring("/proc/sys/".length()).replace('/', '.'));
        }
      }
    } catch (IOException e) {
      // a folder that went: nothing under it
    }
  }

  private static final String USAGE = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
      + "Usage: sysctl [-enq] { -a | -p [FILE]... | [-w] [KEY[=VALUE]]... }\n\n"
      + "Show/set kernel parameters\n\n"
      + "\t-e\tDon't warn about unknown keys\n"
      + "\t-n\tDon't show key names\n"
      + "\t-q      Quiet\n"
      + "\t-a\tShow all values\n"
      + "\t-w\tSet values\n"
      + "\t-p\tSet values from FILEs (default /etc/sysctl.conf)\n";
}
