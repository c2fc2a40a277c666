package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.ScorePlugin;

/** A score plugin of a profile with its weight. */
record WeightedScorer(ScorePlugin plugin, long weight) {
}
