package io.dekube.scheduler.api;

import java.util.List;
import java.util.Objects;

/**
 * The result of a plugin call: a {@link Code}, the reasons shown to users (for a node that does not
 * fit, each reason counts once in {@code 0/3 nodes are available: 2 Insufficient cpu.}), the plugin
 * that answered and, for errors, the cause. Immutable and thread-safe.
 */
public final class Status {

  private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
  private static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

  private final Code code;
  private final List<String> reasons;
  private final String plugin;
  private final Throwable error;

  private Status(Code code, List<String> reasons, String plugin, Throwable error) {
    this.code = code;
    this.reasons = List.copyOf(reasons);
    this.plugin = plugin;
    this.error = error;
  }

  /** The pod may go on. */
  public static Status success() {
    return SUCCESS;
  }

  /** The plugin does not apply to this pod. */
  public static Status skip() {
    return SKIP;
  }

  /** Not now: the node does not fit (preemption may help). */
  public static Status unschedulable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE, List.of(reasons), null, null);
  }

  /** Not on this node, and preemption cannot change that. */
  public static Status unresolvable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), null, null);
  }

  /** Permit: wait for an allow or a reject. */
  public static Status waiting(String... reasons) {
    return new Status(Code.WAIT, List.of(reasons), null, null);
  }

  /** An internal error with its message. */
  public static Status error(String message) {
    return new Status(Code.ERROR, List.of(message), null, null);
  }

  /** An internal error from an exception. */
  public static Status error(Throwable cause) {
    return new Status(Code.ERROR, List.of(String.valueOf(cause.getMessage() == null ? cause : cause.getMessage())),
        null, cause);
  }

  /** A status with any code and reasons. */
  public static Status of(Code code, List<String> reasons) {
    return new Status(code, reasons, null, null);
  }

  /** The same status, attributed to a plugin (the framework does this for every answer). */
  public Status withPlugin(String name) {
    return Objects.equals(name, plugin) ? this : new Status(code, reasons, name, error);
  }

  public Code code() {
    return code;
  }

  public List<String> reasons() {
    return reasons;
  }

  /** The reasons joined with ", " (empty for none). */
  public String message() {
    return String.join(", ", reasons);
  }

  /** The plugin that answered, or null. */
  public String plugin() {
    return plugin;
  }

  /** The cause of an {@link Code#ERROR}, or null. */
  public Throwable cause() {
    return error;
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  public boolean isSkip() {
    return code == Code.SKIP;
  }

  /** Unschedulable or unresolvable: the pod was turned down (not an error). */
  public boolean isRejected() {
    return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && s.code == code && s.reasons.equals(reasons);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, reasons);
  }

  @Override
  public String toString() {
    return code + (reasons.isEmpty() ? "" : " " + reasons) + (plugin == null ? "" : " (" + plugin + ")");
  }
}
