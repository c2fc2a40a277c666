package io.dekube.scheduler.api;

/** One node's score from one plugin; normalizing changes it in place. Not thread-safe. */
public final class NodeScore {

  private final String name;
  private long score;

  public NodeScore(String name, long score) {
    this.name = name;
    this.score = score;
  }

  /** The node's name. */
  public String name() {
    return name;
  }

  public long score() {
    return score;
  }

  public void score(long value) {
    this.score = value;
  }

  @Override
  public String toString() {
    return name + "=" + score;
  }
}
