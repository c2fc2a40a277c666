package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Score: ranks a feasible node for the pod. Called for many nodes in parallel on worker threads,
 * so it must be thread-safe and do no I/O. After normalizing ({@link #scoreExtensions()}) every
 * score must lie in [{@link #MIN_NODE_SCORE}, {@link #MAX_NODE_SCORE}]; the framework multiplies it
 * by the plugin's weight in the profile and sums over plugins. Throwing fails the pod's attempt.
 */
public interface ScorePlugin extends Plugin {

  /** The lowest score a node may get after normalizing. */
  long MIN_NODE_SCORE = 0;
  /** The highest score a node may get after normalizing. */
  long MAX_NODE_SCORE = 100;

  long score(CycleState state, Pod pod, NodeInfo node);

  /** How to normalize this plugin's raw scores, or null when they are in range already. */
  default ScoreExtensions scoreExtensions() {
    return null;
  }
}
