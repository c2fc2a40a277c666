package io.dekube.scheduler.api;

/**
 * A cluster event a plugin registers, with its hint function (null: always {@link QueueingHint#QUEUE}).
 * Immutable.
 */
public record ClusterEventWithHint(ClusterEvent event, QueueingHintFn hintFn) {

  /** An event with no hint function: any such event requeues the pods the plugin rejected. */
  public static ClusterEventWithHint of(ClusterEvent event) {
    return new ClusterEventWithHint(event, null);
  }
}
