package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code quay.io/fluentd_elasticsearch/fluentd:<tag>}, the log collector of the DaemonSet pages ("Perform a Rolling
 * Update on a DaemonSet", "Perform a Rollback on a DaemonSet"), as Kubernetes' {@code fluentd-es-image} addon builds
 * it: its CMD {@code /entrypoint.sh} runs {@code fluentd $FLUENTD_ARGS}, which reads {@code /etc/fluent/fluent.conf}
 * ({@link #ROOT_CONF}: fluentd's own events dropped, then {@code @include /etc/fluent/config.d/*.conf}, a ConfigMap's
 * folder in the addon) and logs its start as fluentd 1.x does — the configuration it uses, each
 * {@code <source>}/{@code <match>}/{@code <filter>} it adds, its worker running — then runs until stopped, exiting 0
 * on SIGTERM. Options: {@code -c/--config FILE}, {@code -q} (warnings only), {@code -v}, {@code --no-supervisor};
 * the rest are accepted. No plugin reads or sends anything: the mounted {@code /var/log} is not tailed. A command
 * other than {@code fluentd} or the entry point runs in the image's shell.
 */
final class Fluentd {

  static final String CONF = "/etc/fluent/fluent.conf";
  /** The image's root configuration, as {@code cat /etc/fluent/fluent.conf} shows it. */
  static final String ROOT_CONF = """
      # This is the root config file, which only includes components of the actual configuration
      #
      #  Do not collect fluentd's own logs to avoid infinite loops.
      <match fluent.**>
        @type null
      </match>

      @include /etc/fluent/config.d/*.conf
      """;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);
  private static final Pattern ELEMENT = Pattern.compile("<(source|match|filter|label|system)(\\s+[^>]*)?>");

  private Fluentd() {
  }

  /** Whether {@code argv} starts fluentd (the entry point or the binary), not another program of the image. */
  static boolean runsFluentd(List<String> argv) {
    String name = argv.isEmpty() ? "" : argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    return name.equals("entrypoint.sh") || name.equals("fluentd");
  }

  /** The container's command line: the container's command and args over the image's CMD. */
  static List<String> argv(JvmContainer c) {
    return ImageArgs.argv(c.spec().container(), List.of(), List.of("/entrypoint.sh"));
  }

  /** fluentd's options from {@code argv}: the entry point's are {@code $FLUENTD_ARGS}, split on blanks. */
  static List<String> options(List<String> argv, String fluentdArgs) {
    if (argv.get(0).endsWith("entrypoint.sh")) {
      String args = fluentdArgs == null ? "" : fluentdArgs.trim();
      return args.isEmpty() ? List.of() : List.of(args.split("\\s+"));
    }
    return argv.subList(1, argv.size());
  }

  /** fluentd's version in the image of {@code tag} (the addon's Gemfile pinned one per release). */
  static String version(String tag) {
    return tag.startsWith("v2.5") ? "1.4.2" : tag.startsWith("v2.6") ? "1.5.2" : "1.6.3";
  }

  static Future<Void> start(JvmContainer c, String tag) {
    List<String> opts = options(argv(c), c.spec().env().get("FLUENTD_ARGS"));
    String conf = CONF;
    boolean quiet = false;
    boolean supervisor = true;
    for (int i = 0; i < opts.size(); i++) {
      String o = opts.get(i);
      if ((o.equals("-c") || o.equals("--config")) && i + 1 < opts.size()) {
        conf = opts.get(++i);
      } else if (o.startsWith("--config=")) {
        conf = o.substring("--config=".length());
      } else if (o.matches("-q+")) {
        quiet = true;
      } else if (o.equals("--no-supervisor")) {
        supervisor = false;
      }
    }
    String path = conf;
    boolean info = !quiet;
    boolean sup = supervisor;
    c.exitOnSigterm(0);
    c.file(path).compose(bytes -> bytes == null ? Future.succeededFuture((String) null)
        : expand(c, new String(bytes, StandardCharsets.UTF_8), 0)).onComplete(ar -> {
          if (ar.failed() || ar.result() == null) {
            line(c, "error", "config error file=\"" + path + "\" error_class=Fluent::ConfigError error=\"Couldn't find"
                + " file: " + path + "\"");
            c.exit(1);
            return;
          }
          if (info) {
            started(c, path, ar.result(), version(tag), sup);
          }
        });
    return Future.succeededFuture();
  }

  private static void started(JvmContainer c, String path, String conf, String version, boolean supervisor) {
    line(c, "info", "parsing config file is succeeded path=\"" + path + "\"");
    line(c, "info", "using configuration file: <ROOT>\n" + rendered(conf) + "</ROOT>");
    if (supervisor) {
      line(c, "info", "starting fluentd-" + version + " pid=7 ruby=\"2.3.3\"");
      line(c, "info", "spawn command to main:  cmdline=[\"/usr/bin/ruby2.3\", \"-Eascii-8bit:ascii-8bit\", "
          + "\"/usr/local/bin/fluentd\", \"--under-supervisor\"]");
    }
    line(c, "info", "gem 'fluentd' version '" + version + "'");
    for (String added : added(conf)) {
      line(c, "info", added);
    }
    String worker = supervisor ? "#0 " : "";
    line(c, "info", worker + "starting fluentd worker pid=" + (supervisor ? "11 ppid=7" : "7 ppid=1") + " worker=0");
    line(c, "info", worker + "fluentd worker is now running worker=0");
    c.onStop(() -> {
      line(c, "info", "Received graceful stop");
      line(c, "info", worker + "fluentd worker is now stopping worker=0");
      line(c, "info", worker + "shutting down fluentd worker worker=0");
      return Future.succeededFuture();
    });
  }

  /** {@code text} with each {@code @include GLOB} replaced by the files it names (sorted), as fluentd reads it. */
  private static Future<String> expand(JvmContainer c, String text, int depth) {
    List<Future<String>> parts = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      String t = l.trim();
      if (t.startsWith("@include ") && depth < 8) {
        String glob = t.substring("@include ".length()).trim();
        int slash = glob.lastIndexOf('/');
        String folder = slash <= 0 ? "/" : glob.substring(0, slash);
        Pattern names = Pattern.compile(glob.substring(slash + 1).replace(".", "\\.").replace("*", "[^/]*"));
        parts.add(c.folder(folder).compose(list -> {
          List<Future<String>> files = new ArrayList<>();
          for (String n : list) {
            if (names.matcher(n).matches()) {
              files.add(c.file(folder + "/" + n).compose(b -> b == null ? Future.succeededFuture("")
                  : expand(c, new String(b, StandardCharsets.UTF_8), depth + 1)));
            }
          }
          return Future.all(files).map(all -> String.join("\n", all.<String>list()));
        }));
      } else {
        parts.add(Future.succeededFuture(l));
      }
    }
    return Future.all(parts).map(all -> String.join("\n", all.<String>list()));
  }

  /** The configuration as fluentd prints it: comments and blank lines gone, two spaces per level. */
  static String rendered(String conf) {
    StringBuilder out = new StringBuilder();
    int depth = 1;
    for (String l : conf.split("\n")) {
      String t = l.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.startsWith("</")) {
        depth = Math.max(1, depth - 1);
      }
      out.append("  ".repeat(depth)).append(t.replaceAll("\\s+", " ")).append('\n');
      if (t.startsWith("<") && !t.startsWith("</")) {
        depth++;
      }
    }
    return out.toString();
  }

  /** fluentd's "adding …" lines for the top-level elements of {@code conf}. */
  static List<String> added(String conf) {
    List<String> lines = new ArrayList<>();
    String element = null;
    String arg = "";
    int depth = 0;
    for (String l : conf.split("\n")) {
      String t = l.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.startsWith("</")) {
        depth--;
        continue;
      }
      var m = ELEMENT.matcher(t);
      if (t.startsWith("<")) {
        if (depth == 0 && m.matches()) {
          element = m.group(1);
          arg = m.group(2) == null ? "" : m.group(2).trim();
        }
        depth++;
        continue;
      }
      if (depth == 1 && element != null && t.startsWith("@type ")) {
        String type = t.substring("@type ".length()).trim();
        lines.add(switch (element) {
          case "source" -> "adding source type=\"" + type + "\"";
          case "match" -> "adding match pattern=\"" + arg + "\" type=\"" + type + "\"";
          case "filter" -> "adding filter pattern=\"" + arg + "\" type=\"" + type + "\"";
          default -> "adding " + element + " type=\"" + type + "\"";
        });
        element = null;
      }
    }
    return lines;
  }

  private static void line(JvmContainer c, String level, String text) {
    c.output("stdout", Buffer.buffer(ZonedDateTime.now(java.time.ZoneOffset.UTC).format(TIME) + " [" + level + "]: "
        + text + "\n"));
  }
}
