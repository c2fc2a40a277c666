package io.dekube.apiserver.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's audit backend options ({@code --audit-log-*}, {@code --audit-webhook-*}) with kube's defaults
 * and kube's validation ({@link #validate}: the words of {@code options/audit.go}). Immutable; pure.
 *
 * @param log     the log backend; its path null when there is none
 * @param webhook the webhook backend; its config file null when there is none
 */
public record AuditOptions(Log log, Webhook webhook) {

  /** The modes of a backend, in kube's order. */
  public static final List<String> MODES = List.of("batch", "blocking", "blocking-strict");
  /** The formats of the log backend, in kube's order. */
  public static final List<String> FORMATS = List.of("legacy", "json");
  /** The only event version kube 1.32 knows. */
  public static final String VERSION = "audit.k8s.io/v1";

  /**
   * How events reach a backend: {@code batch} buffers and sends batches, {@code blocking} and {@code blocking-strict}
   * hand each event over as it comes (see {@link BufferedSink} for what dekube's thread makes of them).
   */
  public record Batch(String mode, int bufferSize, int maxBatchSize, Duration maxBatchWait, boolean throttleEnable,
                      float throttleQps, int throttleBurst) {

    /** kube's log default: blocking; in batch mode a batch of one, no throttle. */
    public static Batch logDefaults() {
      return new Batch("blocking", 10_000, 1, Duration.ZERO, false, 0, 0);
    }

    /** kube's webhook default: batches of up to 400 events at least every 30 s, 10 batches/s (burst 15). */
    public static Batch webhookDefaults() {
      return new Batch("batch", 10_000, 400, Duration.ofSeconds(30), true, 10, 15);
    }

    void validate(String plugin, List<String> errors) {
      if (!MODES.contains(mode)) {
        errors.add("invalid audit " + plugin + " mode " + mode + ", allowed modes are \"" + String.join(",", MODES) + "\"");
        return;
      }
      if (!mode.equals("batch")) {
        return;
      }
      if (bufferSize <= 0) {
        errors.add("invalid audit batch " + plugin + " buffer size " + bufferSize + ", must be a positive number");
      } else if (maxBatchSize <= 0) {
        errors.add("invalid audit batch " + plugin + " max batch size " + maxBatchSize + ", must be a positive number");
      } else if (throttleEnable && throttleQps <= 0) {
        errors.add("invalid audit batch " + plugin + " throttle QPS " + goFloat(throttleQps) + ", must be a positive number");
      } else if (throttleEnable && throttleBurst <= 0) {
        errors.add("invalid audit batch " + plugin + " throttle burst " + throttleBurst + ", must be a positive number");
      }
    }
  }

  /** The truncating backend: events over {@code maxEventSize} bytes lose their objects, batches over {@code maxBatchSize} split. */
  public record Truncate(boolean enabled, long maxEventSize, long maxBatchSize) {

    public static Truncate defaults() {
      return new Truncate(false, 100 * 1024, 10 * 1024 * 1024);
    }

    void validate(String plugin, List<String> errors) {
      if (maxEventSize <= 0) {
        errors.add("invalid audit truncate " + plugin + " max event size " + maxEventSize + ", must be a positive number");
      } else if (maxBatchSize < maxEventSize) {
        errors.add("invalid audit truncate " + plugin + " max batch size " + maxBatchSize + ", must be greater than max "
            + "event size (" + maxEventSize + ")");
      }
    }
  }

  /**
   * The log backend ({@code --audit-log-*}): lumberjack's rotation ({@code maxSize} MB, 0 is lumberjack's 100;
   * {@code maxBackup} files and {@code maxAge} days kept, 0 keeps all), gzip of the backups, JSON or legacy lines.
   */
  public record Log(String path, int maxAge, int maxBackup, int maxSize, boolean compress, String format,
                    String version, Batch batch, Truncate truncate) {

    public static Log defaults(String path) {
      return new Log(path, 0, 0, 0, false, "json", VERSION, Batch.logDefaults(), Truncate.defaults());
    }

    public Log withPath(String p) {
      return new Log(p, maxAge, maxBackup, maxSize, compress, format, version, batch, truncate);
    }

    void validate(List<String> errors) {
      if (path == null || path.isEmpty()) {
        return;
      }
      batch.validate("log", errors);
      truncate.validate("log", errors);
      validateVersion(version, errors);
      if (!FORMATS.contains(format)) {
        errors.add("invalid audit log format " + format + ", allowed formats are \"" + String.join(",", FORMATS) + "\"");
      }
      if (maxAge < 0) {
        errors.add("--audit-log-maxage " + maxAge + " can't be a negative number");
      }
      if (maxBackup < 0) {
        errors.add("--audit-log-maxbackup " + maxBackup + " can't be a negative number");
      }
      if (maxSize < 0) {
        errors.add("--audit-log-maxsize " + maxSize + " can't be a negative number");
      }
    }
  }

  /** The webhook backend ({@code --audit-webhook-*}): a kubeconfig naming the server; retries from {@code initialBackoff}. */
  public record Webhook(Path configFile, Duration initialBackoff, String version, Batch batch, Truncate truncate) {

    public static Webhook defaults(Path configFile) {
      return new Webhook(configFile, Duration.ofSeconds(10), VERSION, Batch.webhookDefaults(), Truncate.defaults());
    }

    void validate(List<String> errors) {
      if (configFile == null) {
        return;
      }
      batch.validate("webhook", errors);
      truncate.validate("webhook", errors);
      validateVersion(version, errors);
    }
  }

  /** No backend: events go nowhere (kube without {@code --audit-log-path} and {@code --audit-webhook-config-file}). */
  public static AuditOptions defaults() {
    return new AuditOptions(Log.defaults(null), Webhook.defaults(null));
  }

  /** kube's errors for these options, in kube's order; empty when they are valid. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    log.validate(errors);
    webhook.validate(errors);
    return errors;
  }

  /** kube's {@code ParseGroupVersion} and the one known version, in kube's words. */
  static void validateVersion(String version, List<String> errors) {
    if (version.chars().filter(c -> c == '/').count() > 1) {
      errors.add("unexpected GroupVersion string: " + version);
    } else if (!version.equals(VERSION)) {
      errors.add("invalid group version, allowed versions are [\"" + VERSION + "\"]");
    }
  }

  /** A float32 as Go's {@code %v} prints it: {@code 0}, {@code 1.5}, {@code -2}. */
  static String goFloat(float f) {
    return f == Math.rint(f) && !Float.isInfinite(f) ? Long.toString((long) f) : Float.toString(f);
  }
}
