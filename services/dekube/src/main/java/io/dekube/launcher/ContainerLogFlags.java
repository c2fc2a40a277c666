package io.dekube.launcher;

import io.dekube.core.model.GoDuration;
import io.dekube.kubelet.logs.ContainerLogPolicy;
import java.time.Duration;
import java.util.List;

/**
 * The kubelet's container log flags, as kube 1.32's kubelet takes them (for {@code up}'s nodes and {@code ./dekube
 * kubelet}), with its defaults: pflag's refusal of a value that is not a number or a duration ({@code invalid argument
 * "x" for "--container-log-max-files" flag: strconv.ParseInt: parsing "x": invalid syntax}), then the kubelet's
 * ({@link ContainerLogPolicy#of}).
 */
final class ContainerLogFlags {

  static final List<Flag> FLAGS = List.of(
      Flag.of("--container-log-max-size", "Q", "Set the maximum size (e.g. 10Mi) of container log file before it is "
          + "rotated. (default \"10Mi\")"),
      Flag.of("--container-log-max-files", "N", "Set the maximum number of container log files that can be present "
          + "for a container. The number must be >= 2. (default 5)"),
      Flag.of("--container-log-max-workers", "N", "Set the maximum number of concurrent log rotation workers to "
          + "use. (default 1)"),
      Flag.of("--container-log-monitor-interval", "D", "Set the duration at which the container logs are monitored "
          + "for performing the log rotate operation. (default 10s)"));

  private ContainerLogFlags() {
  }

  /** The policy the flags give; IllegalArgumentException in pflag's or the kubelet's words. */
  static ContainerLogPolicy parse(Flags f) {
    ContainerLogPolicy d = ContainerLogPolicy.DEFAULTS;
    String size = f.string("--container-log-max-size", d.maxSize());
    int files = integer(f, "--container-log-max-files", d.maxFiles());
    int workers = integer(f, "--container-log-max-workers", d.maxWorkers());
    String interval = f.string("--container-log-monitor-interval", GoDuration.format(d.interval()));
    Duration every;
    try {
      every = GoDuration.parse(interval);
    } catch (IllegalArgumentException e) {
      throw invalid(interval, "--container-log-monitor-interval", e.getMessage());
    }
    return ContainerLogPolicy.of(size, files, workers, every);
  }

  private static int integer(Flags f, String name, int fallback) {
    String v = f.string(name, Integer.toString(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw invalid(v, name, "strconv.ParseInt: parsing \"" + v + "\": "
          + (v.matches("[+-]?\\d+") ? "value out of range" : "invalid syntax"));
    }
  }

  private static IllegalArgumentException invalid(String value, String flag, String why) {
    return new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + why);
  }
}
