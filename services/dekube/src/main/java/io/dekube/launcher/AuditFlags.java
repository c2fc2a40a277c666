package io.dekube.launcher;

import io.dekube.apiserver.audit.AuditOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's audit backend flags ({@code --audit-log-*}, {@code --audit-webhook-*}) with kube's defaults, read
 * as pflag reads them (its words for a value that does not parse) and checked as kube checks them. Pure.
 */
final class AuditFlags {


  private AuditFlags() {
  }

  /** {@code --audit-policy-file} and the backends' flags: the apiserver's, and a kubelet's of its own. */
  static List<Flag> withPolicy() {
    List<Flag> all = new ArrayList<>();
    all.add(Flag.of("--audit-policy-file", "FILE", "audit.k8s.io/v1 Policy: audit the requests (and the components' "
        + "calls on the bus) at its levels"));
    all.addAll(flags());
    return all;
  }

  static List<Flag> flags() {
    List<Flag> flags = new ArrayList<>(List.of(
        Flag.of("--audit-log-path", "PATH", "where audit events go, one line each; - is stdout (default: "
            + "<data-dir>/audit.log when a policy is given)"),
        Flag.of("--audit-log-maxage", "DAYS", "days to keep rotated audit logs, by the time in their names (0: no limit)"),
        Flag.of("--audit-log-maxbackup", "N", "rotated audit logs to keep (0: all)"),
        Flag.of("--audit-log-maxsize", "MB", "size of the audit log before it is rotated (default 0: 100 MB)"),
        Flag.toggle("--audit-log-compress", "gzip the rotated audit logs"),
        Flag.of("--audit-log-format", "FORMAT", "json (default) or legacy (one line of text per event)"),
        Flag.of("--audit-log-version", "GV", "version of the events written to the log (audit.k8s.io/v1)"),
        Flag.of("--audit-webhook-config-file", "FILE", "kubeconfig of the server that gets the audit events"),
        Flag.of("--audit-webhook-initial-backoff", "DURATION", "wait before the first retry of a failed POST (default 10s)"),
        Flag.of("--audit-webhook-batch-initial-backoff", "DURATION", "deprecated: --audit-webhook-initial-backoff"),
        Flag.of("--audit-webhook-version", "GV", "version of the events sent to the webhook (audit.k8s.io/v1)")));
    for (String plugin : List.of("log", "webhook")) {
      String p = "--audit-" + plugin;
      flags.addAll(List.of(
          Flag.of(p + "-mode", "MODE", "batch, blocking or blocking-strict (default " + (plugin.equals("log")
              ? "blocking" : "batch") + ")"),
          Flag.of(p + "-batch-buffer-size", "N", "events buffered before they are dropped (batch mode; default 10000)"),
          Flag.of(p + "-batch-max-size", "N", "events in a batch (batch mode; default " + (plugin.equals("log")
              ? "1" : "400") + ")"),
          Flag.of(p + "-batch-max-wait", "DURATION", "longest wait for a batch to fill (batch mode)"),
          Flag.toggle(p + "-batch-throttle-enable", "throttle the batches (batch mode)"),
          Flag.of(p + "-batch-throttle-qps", "QPS", "batches a second (batch mode)"),
          Flag.of(p + "-batch-throttle-burst", "N", "batches at once when the QPS was not used (batch mode)"),
          Flag.toggle(p + "-truncate-enabled", "truncate events and split batches that are too large"),
          Flag.of(p + "-truncate-max-batch-size", "BYTES", "largest batch (default 10485760)"),
          Flag.of(p + "-truncate-max-event-size", "BYTES", "largest event; larger ones lose their objects (default 102400)")));
    }
    return flags;
  }

  /**
   * The options of the flags; {@code defaultLogPath} when {@code --audit-log-path} is not given (dekube's
   * {@code <data-dir>/audit.log} with a policy, else null). IllegalArgumentException in pflag's and kube's words.
   */
  static AuditOptions options(Flags f, String defaultLogPath) {
    AuditOptions.Log logDefaults = AuditOptions.Log.defaults(null);
    AuditOptions.Log log = new AuditOptions.Log(f.raw("--audit-log-path").orElse(defaultLogPath),
        integer(f, "--audit-log-maxage", 0), integer(f, "--audit-log-maxbackup", 0), integer(f, "--audit-log-maxsize", 0),
        bool(f, "--audit-log-compress", false), f.string("--audit-log-format", logDefaults.format()),
        f.string("--audit-log-version", AuditOptions.VERSION), batch(f, "log", logDefaults.batch()),
        truncate(f, "log", logDefaults.truncate()));
    String config = f.raw("--audit-webhook-config-file").filter(s -> !s.isEmpty()).orElse(null);
    AuditOptions.Webhook hookDefaults = AuditOptions.Webhook.defaults(null);
    Duration backoff = duration(f, "--audit-webhook-initial-backoff",
        duration(f, "--audit-webhook-batch-initial-backoff", hookDefaults.initialBackoff()));
    AuditOptions.Webhook webhook = new AuditOptions.Webhook(config == null ? null : Path.of(config), backoff,
        f.string("--audit-webhook-version", AuditOptions.VERSION), batch(f, "webhook", hookDefaults.batch()),
        truncate(f, "webhook", hookDefaults.truncate()));
    AuditOptions options = new AuditOptions(log.path() == null || log.path().isEmpty() ? log.withPath(null) : log,
        webhook);
    List<String> errors = options.validate();
    if (!errors.isEmpty()) {
      // kube's aggregate of the errors: one as it is, more in brackets
      throw new IllegalArgumentException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    return options;
  }

  private static AuditOptions.Batch batch(Flags f, String plugin, AuditOptions.Batch d) {
    String p = "--audit-" + plugin + "-";
    return new AuditOptions.Batch(f.string(p + "mode", d.mode()), integer(f, p + "batch-buffer-size", d.bufferSize()),
        integer(f, p + "batch-max-size", d.maxBatchSize()), duration(f, p + "batch-max-wait", d.maxBatchWait()),
        bool(f, p + "batch-throttle-enable", d.throttleEnable()), float32(f, p + "batch-throttle-qps", d.throttleQps()),
        integer(f, p + "batch-throttle-burst", d.throttleBurst()));
  }

  private static AuditOptions.Truncate truncate(Flags f, String plugin, AuditOptions.Truncate d) {
    String p = "--audit-" + plugin + "-truncate-";
    return new AuditOptions.Truncate(bool(f, p + "enabled", d.enabled()), int64(f, p + "max-event-size",
        d.maxEventSize()), int64(f, p + "max-batch-size", d.maxBatchSize()));
  }

  private static IllegalArgumentException invalid(String name, String value, String error) {
    return new IllegalArgumentException("invalid argument " + goQuote(value) + " for \"" + name + "\" flag: " + error);
  }

  private static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** pflag's {@code Int32}/{@code Int}: {@code strconv.ParseInt}'s words for a value that does not parse. */
  static int integer(Flags f, String name, int fallback) {
    long v = int64(f, name, fallback);
    if (v != (int) v) {
      throw invalid(name, f.raw(name).orElse(""), "strconv.ParseInt: parsing " + goQuote(f.raw(name).orElse(""))
          + ": value out of range");
    }
    return (int) v;
  }

  private static long int64(Flags f, String name, long fallback) {
    String v = f.raw(name).orElse(null);
    if (v == null) {
      return fallback;
    }
    if (!v.matches("[+-]?[0-9]+")) {
      throw invalid(name, v, "strconv.ParseInt: parsing " + goQuote(v) + ": invalid syntax");
    }
    try {
      return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
    } catch (NumberFormatException e) {
      throw invalid(name, v, "strconv.ParseInt: parsing " + goQuote(v) + ": value out of range");
    }
  }

  private static float float32(Flags f, String name, float fallback) {
    return (float) float64(f, name, fallback);
  }

  /** pflag's {@code Float64}: {@code strconv.ParseFloat}'s words for a value that does not parse. */
  static double float64(Flags f, String name, double fallback) {
    String v = f.raw(name).orElse(null);
    if (v == null) {
      return fallback;
    }
    try {
      if (!v.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
        throw new NumberFormatException(v);
      }
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw invalid(name, v, "strconv.ParseFloat: parsing " + goQuote(v) + ": invalid syntax");
    }
  }

  static boolean bool(Flags f, String name, boolean fallback) {
    String v = f.raw(name).orElse(null);
    if (v == null) {
      return fallback;
    }
    return switch (v) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw invalid(name, v, "strconv.ParseBool: parsing " + goQuote(v) + ": invalid syntax");
    };
  }

  /** Go's {@code time.ParseDuration} as pflag's duration flags: {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 0}. */
  static Duration duration(Flags f, String name, Duration fallback) {
    String v = f.raw(name).orElse(null);
    if (v == null) {
      return fallback;
    }
    try {
      return io.dekube.core.model.GoDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw invalid(name, v, e.getMessage());
    }
  }
}
