package io.dekube.apiserver.rest.list;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerEvent;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rebuilds the objects as they were at an older resource version from the current state and the
 * window of recent events, for continue pages and {@code resourceVersionMatch=Exact} reads and
 * for the starting point of a selective watch. An event window keeps each object after a change
 * but not before it, so a key whose first change after the version is a modification (or a
 * deletion) with no earlier event in the window has an unknown past: it is reported as unknown.
 * Pure.
 */
public final class StateAt {

  /**
   * The state at a resource version.
   *
   * @param objects     the objects known to exist then, by store key
   * @param unknownKeys keys whose state then cannot be told from the window
   */
  public record Result(Map<String, ObjectNode> objects, Set<String> unknownKeys) {

    /** The objects, failing with the given error when some key is unknown. */
    public List<ObjectNode> exactly(StatusException ifUnknown) {
      if (!unknownKeys.isEmpty()) {
        throw ifUnknown;
      }
      return new ArrayList<>(objects.values());
    }
  }

  private StateAt() {
  }

  /**
   * The objects at {@code rv}.
   *
   * @param rv          the resource version to rebuild (at most {@code currentRv})
   * @param current     the objects now
   * @param currentRv   the resource version they are current at
   * @param window      the window's events, oldest first (may run past {@code currentRv})
   * @param windowStart the window's start: it holds every event after this
   * @param scope       which objects count (e.g. a namespace); {@code current} holds only those
   * @throws StatusException 410 Expired when {@code rv} is older than the window
   */
  public static Result at(long rv, List<ObjectNode> current, long currentRv, List<InformerEvent> window,
                          long windowStart, Predicate<ObjectNode> scope) {
    Map<String, ObjectNode> state = new LinkedHashMap<>();
    current.forEach(o -> state.put(Paging.key(o), o));
    if (rv >= currentRv) {
      return new Result(state, Set.of());
    }
    if (rv < windowStart) {
      throw new StatusException(410, "Expired", "too old resource version: " + rv + " (" + windowStart + ")");
    }
    Map<String, InformerEvent> lastBefore = new HashMap<>();
    Map<String, InformerEvent> firstAfter = new HashMap<>();
    for (InformerEvent e : window) {
      if (e.rv() > currentRv) {
        break;
      }
      if (!scope.test(e.object())) {
        continue;
      }
      String key = Paging.key(e.object());
      if (e.rv() <= rv) {
        lastBefore.put(key, e);
      } else {
        firstAfter.putIfAbsent(key, e);
      }
    }
    Set<String> unknown = new HashSet<>();
    for (Map.Entry<String, InformerEvent> touched : firstAfter.entrySet()) {
      String key = touched.getKey();
      InformerEvent before = lastBefore.get(key);
      state.remove(key);
      if (before != null) {
        if (before.type() != InformerEvent.Type.DELETED) {
          state.put(key, before.object());
        }
      } else if (touched.getValue().type() != InformerEvent.Type.ADDED) {
        unknown.add(key);
      }
    }
    return new Result(state, unknown);
  }
}
