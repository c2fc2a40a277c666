package io.dekube.scheduler;

import io.dekube.scheduler.api.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code FailedScheduling} message as kube words it:
 * {@code 0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu. preemption: ...}.
 * Stateless.
 */
final class FitError {

  private FitError() {
  }

  static String message(int allNodes, Status preFilter, Map<String, Status> rejected, String postFilter) {
    StringBuilder b = new StringBuilder("0/").append(allNodes).append(" nodes are available:");
    if (preFilter != null) {
      b.append(' ').append(preFilter.message()).append('.');
    } else {
      Map<String, Integer> counts = new TreeMap<>();
      for (Status s : rejected.values()) {
        s.reasons().forEach(r -> counts.merge(r, 1, Integer::sum));
      }
      List<String> parts = new ArrayList<>();
      counts.forEach((r, c) -> parts.add(c + " " + r));
      Collections.sort(parts);
      if (!parts.isEmpty()) {
        b.append(' ').append(String.join(", ", parts)).append('.');
      }
    }
    if (postFilter != null && !postFilter.isEmpty()) {
      b.append(' ').append(postFilter);
    }
    return b.toString();
  }
}
