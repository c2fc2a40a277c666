package io.dekube.scheduler.plugins.noderesources;

import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.plugins.helper.Args;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How NodeResourcesFit scores a node from requested / allocatable per resource: LeastAllocated
 * (emptier is better, kube's default), MostAllocated (fuller is better) or RequestedToCapacityRatio
 * (a piecewise linear shape over utilization). The node's score is the weighted mean over resources
 * the node has. Immutable.
 */
public final class ScoringStrategy {

  /** One point of the RequestedToCapacityRatio shape: utilization 0..100 → score 0..10. */
  record Point(long utilization, long score) {
  }

  private final String type;
  private final List<ResourceSpec> resources;
  private final List<Point> shape;

  private ScoringStrategy(String type, List<ResourceSpec> resources, List<Point> shape) {
    this.type = type;
    this.resources = resources;
    this.shape = shape;
  }

  /** From the plugin's {@code scoringStrategy} args (LeastAllocated with cpu and memory when absent). */
  static ScoringStrategy parse(Map<String, Object> args) {
    Map<String, Object> s = Args.map(args, "scoringStrategy");
    String type = Args.string(s, "type", "LeastAllocated");
    List<ResourceSpec> resources = ResourceSpec.parse(s, "resources");
    List<Point> shape = new ArrayList<>();
    switch (type) {
      case "LeastAllocated", "MostAllocated" -> { }
      case "RequestedToCapacityRatio" -> {
        for (Map<String, Object> p : Args.list(Args.map(s, "requestedToCapacityRatio"), "shape")) {
          shape.add(new Point(Args.number(p, "utilization", 0), Args.number(p, "score", 0)));
        }
        if (shape.isEmpty()) {
          throw new IllegalArgumentException("scoringStrategy.requestedToCapacityRatio.shape: Required value");
        }
      }
      default -> throw new IllegalArgumentException("scoringStrategy.type: Unsupported value: \"" + type
          + "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
    }
    return new ScoringStrategy(type, resources, shape);
  }

  List<ResourceSpec> resources() {
    return resources;
  }

  /** The node's score from requested and allocatable amounts, aligned with {@link #resources()}. */
  long score(long[] requested, long[] allocatable) {
    long sum = 0;
    long weights = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      long w = resources.get(i).weight();
      sum += one(requested[i], allocatable[i]) * w;
      weights += w;
    }
    return weights == 0 ? 0 : sum / weights;
  }

  private long one(long requested, long capacity) {
    return switch (type) {
      case "MostAllocated" -> Math.min(requested, capacity) * ScorePlugin.MAX_NODE_SCORE / capacity;
      case "RequestedToCapacityRatio" -> shaped(Math.min(requested, capacity) * 100 / capacity);
      default -> requested > capacity ? 0 : (capacity - requested) * ScorePlugin.MAX_NODE_SCORE / capacity;
    };
  }

  /** The shape's value at a utilization, scaled from 0..10 to 0..100. */
  private long shaped(long utilization) {
    long scale = ScorePlugin.MAX_NODE_SCORE / 10;
    if (utilization <= shape.get(0).utilization()) {
      return shape.get(0).score() * scale;
    }
    for (int i = 1; i < shape.size(); i++) {
      Point a = shape.get(i - 1);
      Point b = shape.get(i);
      if (utilization <= b.utilization()) {
        long span = b.utilization() - a.utilization();
        long v = span == 0 ? b.score() * scale
            : a.score() * scale + (b.score() - a.score()) * scale * (utilization - a.utilization()) / span;
        return v;
      }
    }
    return shape.get(shape.size() - 1).score() * scale;
  }
}
