package io.dekube.controllermanager.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs controllers' syncs over a {@link Fake} store round after round, with a stand-in kubelet
 * that runs and readies pods the given predicate accepts, until a round writes nothing.
 */
public final class Converge {

  private Converge() {
  }

  /** Syncs every object of each resource with its reconciler until nothing changes; the number of rounds. */
  public static int run(Fake fake, Map<ResourceType, io.dekube.core.controller.Reconciler> controllers,
                        Predicate<ObjectNode> podBecomesReady) {
    ResourceType pods = fake.store.type("pods");
    for (int round = 1; round <= 60; round++) {
      int before = fake.writes().size();
      for (var e : controllers.entrySet()) {
        for (ObjectNode o : fake.store.items(e.getKey(), "")) {
          Fake.done(e.getValue().sync(ObjectKey.of(o)));
        }
      }
      for (ObjectNode p : fake.store.items(pods, "")) {
        if (!"Running".equals(p.path("status").path("phase").asText()) && podBecomesReady.test(p)) {
          ObjectNode next = p.deepCopy();
          next.with("spec").put("nodeName", "n1");
          fake.store.update(pods, next, WriteOptions.none());
          ObjectNode st = fake.store.object(pods, p.path("metadata").path("namespace").asText(),
              p.path("metadata").path("name").asText()).deepCopy();
          ObjectNode status = st.putObject("status").put("phase", "Running");
          status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
              .put("lastTransitionTime", "2026-01-01T00:00:00Z");
          fake.store.updateStatus(pods, st, WriteOptions.none());
        }
      }
      if (fake.writes().size() == before) {
        return round;
      }
    }
    throw new AssertionError("no convergence after 60 rounds: " + fake.writes().subList(Math.max(0,
        fake.writes().size() - 20), fake.writes().size()));
  }

}
