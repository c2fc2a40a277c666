package io.dekube.controllermanager.nodelifecycle;

import java.util.List;

/** A zone's health as kube's node lifecycle controller sees it, with kube's names (its logs print them). */
public enum ZoneState {
  INITIAL("Initial"),
  NORMAL("Normal"),
  FULL_DISRUPTION("FullDisruption"),
  PARTIAL_DISRUPTION("PartialDisruption");

  private final String kubeName;

  ZoneState(String kubeName) {
    this.kubeName = kubeName;
  }

  @Override
  public String toString() {
    return kubeName;
  }

  /**
   * kube's {@code ComputeZoneState}: no node Ready (and some not) is a full disruption; more than two not
   * Ready and at least {@code threshold} of the zone is a partial one; else normal. A node without a Ready
   * condition counts as not Ready.
   *
   * @param ready each node's Ready condition status ({@code True}, {@code False}, {@code Unknown}, "" for none)
   */
  public static ZoneState compute(List<String> ready, float threshold) {
    int readyNodes = (int) ready.stream().filter("True"::equals).count();
    int notReady = ready.size() - readyNodes;
    if (readyNodes == 0 && notReady > 0) {
      return FULL_DISRUPTION;
    }
    if (notReady > 2 && (float) notReady / (float) (notReady + readyNodes) >= threshold) {
      return PARTIAL_DISRUPTION;
    }
    return NORMAL;
  }
}
