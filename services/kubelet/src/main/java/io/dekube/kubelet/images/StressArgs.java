package io.dekube.kubelet.images;

import java.util.List;
import java.util.Locale;

/**
 * What a stress image is asked to do, read from its command line: {@code polinux/stress}'s {@code stress}
 * ({@code --cpu N}, {@code --vm N}, {@code --vm-bytes B}, {@code --vm-hang S}, {@code --vm-keep}, {@code --timeout T},
 * {@code -v}, {@code -q}; the short forms {@code -c -m -t}) and {@code vish/stress}'s flags ({@code -cpus N},
 * {@code -mem-total Q}, {@code -mem-alloc-size Q}, {@code -mem-alloc-sleep D}; glog's {@code -logtostderr},
 * {@code -v} accepted). Sizes as each program reads them: stress's {@code 150M} is 150 × 1024², vish's quantities
 * are Kubernetes' ({@code 150Mi}, {@code 150M} = 150 × 1000²). Pure.
 *
 * @param cpus         CPU hogs
 * @param vms          memory hogs (stress: each allocates {@code vmBytes}; vish: one, growing to {@code vmBytes})
 * @param vmBytes      bytes per memory hog
 * @param chunkBytes   vish: bytes per allocation step (0: all at once)
 * @param stepMillis   vish: the pause between allocation steps
 * @param timeoutMillis stress: the run's length (0: for ever)
 */
record StressArgs(int cpus, int vms, long vmBytes, long chunkBytes, long stepMillis, long timeoutMillis) {

  /** stress's default {@code --vm-bytes}. */
  static final long DEFAULT_VM_BYTES = 256L << 20;

  /** A command line the program refuses: its words and exit code. */
  static final class Refused extends IllegalArgumentException {
    final int code;

    Refused(int code, String message) {
      super(message, null);
      this.code = code;
    }
  }

  /** {@code stress [OPTION…]}'s options (the argv after the program's name). */
  static StressArgs stress(List<String> args) {
    int cpus = 0;
    int vms = 0;
    long bytes = DEFAULT_VM_BYTES;
    long timeout = 0;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-c", "--cpu" -> cpus = count(a, value(args, ++i, a));
        case "-m", "--vm" -> vms = count(a, value(args, ++i, a));
        case "--vm-bytes" -> bytes = stressBytes(value(args, ++i, a));
        case "-t", "--timeout" -> timeout = stressSeconds(value(args, ++i, a)) * 1000;
        case "--vm-hang", "--vm-stride", "--backoff" -> value(args, ++i, a);
        case "-v", "--verbose", "-q", "--quiet", "-n", "--dry-run", "--vm-keep" -> { }
        case "-i", "--io", "-d", "--hdd", "--hdd-bytes" -> throw new Refused(1, "stress: FAIL: [1] dekube's stress "
            + "image runs only --cpu and --vm hogs, not " + a);
        default -> throw new Refused(1, "stress: FAIL: [1] unrecognized option: " + a);
      }
    }
    if (cpus == 0 && vms == 0) {
      throw new Refused(1, "`stress' imposes certain types of compute stress on your system\n\n"
          + "Usage: stress [OPTION [ARG]] ...\n"
          + " -t, --timeout N    timeout after N seconds\n"
          + " -c, --cpu N        spawn N workers spinning on sqrt()\n"
          + " -m, --vm N         spawn N workers spinning on malloc()/free()\n"
          + "     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n"
          + "     --vm-hang N    sleep N secs before free (default none, 0 is inf)");
    }
    return new StressArgs(cpus, vms, bytes, 0, 0, timeout);
  }

  /** {@code vish/stress}'s Go flags ({@code -name value} or {@code -name=value}, one or two dashes). */
  static StressArgs vish(List<String> args) {
    int cpus = 0;
    long total = 0;
    long chunk = 4096;
    long step = 1;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.replaceFirst("^--?", "");
      String inline = name.contains("=") ? name.substring(name.indexOf('=') + 1) : null;
      name = name.contains("=") ? name.substring(0, name.indexOf('=')) : name;
      switch (name) {
        case "cpus" -> cpus = count(a, inline != null ? inline : value(args, ++i, a));
        case "mem-total" -> total = quantity(inline != null ? inline : value(args, ++i, a));
        case "mem-alloc-size" -> chunk = quantity(inline != null ? inline : value(args, ++i, a));
        case "mem-alloc-sleep" -> step = goDurationMillis(inline != null ? inline : value(args, ++i, a));
        case "logtostderr", "alsologtostderr" -> { }
        case "v", "stderrthreshold", "log_dir" -> {
          if (inline == null) {
            value(args, ++i, a);
          }
        }
        default -> throw new Refused(2, "flag provided but not defined: -" + name + "\nUsage of /stress:\n"
            + "  -cpus int\n    \tnumber of CPUs to burn\n"
            + "  -mem-alloc-size string\n    \tamount of memory to be consumed in each allocation (default \"4Ki\")\n"
            + "  -mem-alloc-sleep duration\n    \tduration to sleep between allocations (default 1ms)\n"
            + "  -mem-total string\n    \ttotal memory to be consumed. Memory will be consumed via multiple "
            + "allocations. (default \"0\")");
      }
    }
    return new StressArgs(cpus, total > 0 ? 1 : 0, total, Math.max(1, chunk), step, 0);
  }

  /** stress's sizes: a number and an optional B, K, M or G (powers of 1024). */
  static long stressBytes(String v) {
    var m = java.util.regex.Pattern.compile("(\\d+)([bBkKmMgG]?)").matcher(v.trim());
    if (!m.matches()) {
      throw new Refused(1, "stress: FAIL: [1] invalid number: " + v);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }

  /** stress's times: seconds, or a number with s, m, h, d, y. */
  static long stressSeconds(String v) {
    var m = java.util.regex.Pattern.compile("(\\d+)([smhdy]?)").matcher(v.trim());
    if (!m.matches()) {
      throw new Refused(1, "stress: FAIL: [1] invalid time: " + v);
    }
    long n = Long.parseLong(m.group(1));
    return n * switch (m.group(2)) {
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      case "y" -> 31536000;
      default -> 1;
    };
  }

  /** A Kubernetes quantity in bytes ({@code 150Mi}, {@code 1G}, {@code 4096}). */
  static long quantity(String v) {
    try {
      return new io.fabric8.kubernetes.api.model.Quantity(v.trim()).getNumericalAmount().longValue();
    } catch (RuntimeException e) {
      throw new Refused(2, "invalid value \"" + v + "\": quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
  }

  /** A Go duration ({@code 1s}, {@code 500ms}, {@code 1m30s}) in milliseconds. */
  static long goDurationMillis(String v) {
    var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(v.trim());
    double total = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      total += n * switch (m.group(2)) {
        case "h" -> 3_600_000;
        case "m" -> 60_000;
        case "s" -> 1000;
        case "ms" -> 1;
        default -> 0.001;
      };
      end = m.end();
    }
    if (end == 0 || end != v.trim().length()) {
      throw new Refused(2, "invalid value \"" + v + "\" for flag -mem-alloc-sleep: parse error");
    }
    return (long) Math.ceil(total);
  }

  private static int count(String option, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new Refused(1, "invalid value \"" + v + "\" for " + option);
    }
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new Refused(1, "option requires an argument: " + option);
    }
    return args.get(i);
  }
}
