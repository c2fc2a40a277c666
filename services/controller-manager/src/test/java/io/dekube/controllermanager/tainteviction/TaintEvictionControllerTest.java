package io.dekube.controllermanager.tainteviction;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Nodes.node;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaintEvictionControllerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:01:00Z");
  private static final Taint UNREACHABLE = new Taint("NoExecute", "node.kubernetes.io/unreachable",
      "2026-01-01T00:01:00Z", null);

  private final Fake fake = new Fake();
  private final ResourceType nodeType = fake.store.type("nodes");
  private final ResourceType podType = fake.store.type("pods");

  private static Toleration unreachableFor(Long seconds) {
    return new Toleration("NoExecute", "node.kubernetes.io/unreachable", "Exists", seconds, null);
  }

  private Pod podOn(String name, Toleration... tolerations) {
    Pod p = running(pod(name, null), "n1", "2026-01-01T00:00:00Z");
    p.getSpec().setTolerations(List.of(tolerations));
    fake.store.put(podType, p);
    return p;
  }

  private TaintEvictionController controller() {
    fake.clock.set(T0);
    return new TaintEvictionController(fake.ctx);
  }

  private void sync(TaintEvictionController c, String pod) {
    done(c.sync(new ObjectKey("ns", pod)));
  }

  /** Pod p is still there 299 s after T0 and evicted at 300 s. */
  private void assertEvictedAt300(TaintEvictionController c) {
    fake.clock.set(T0.plusSeconds(299));
    sync(c, "p");
    assertNotNull(fake.store.object(podType, "ns", "p"));
    fake.clock.set(T0.plusSeconds(300));
    sync(c, "p");
    assertNull(fake.store.object(podType, "ns", "p"));
  }

  @Test
  void aPodThatDoesNotTolerateTheTaintIsEvictedAtOnce() {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UNREACHABLE).build());
    podOn("p");
    sync(controller(), "p");
    assertNull(fake.store.object(podType, "ns", "p"));
    assertEquals(List.of("TaintManagerEviction: Marking for deletion Pod ns/p"), fake.eventReasons());
    assertEquals(List.of("update pods/status ns/p", "delete pods ns/p"), fake.writes());
  }

  @Test
  void aPodWithTolerationSecondsIsEvictedWhenTheyRunOut() {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UNREACHABLE).build());
    podOn("p", unreachableFor(300L));
    TaintEvictionController c = controller();
    assertEvictedAt300(c);
  }

  @Test
  void aPodToleratingForeverStaysAndAPodOnAnUntaintedNodeToo() {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UNREACHABLE).build());
    fake.store.put(nodeType, node("n2", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    podOn("forever", unreachableFor(null));
    Pod elsewhere = running(pod("elsewhere", null), "n2", "2026-01-01T00:00:00Z");
    fake.store.put(podType, elsewhere);
    TaintEvictionController c = controller();
    fake.clock.set(T0.plusSeconds(100_000));
    sync(c, "forever");
    sync(c, "elsewhere");
    assertNotNull(fake.store.object(podType, "ns", "forever"));
    assertNotNull(fake.store.object(podType, "ns", "elsewhere"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no taint                         | -                     | 10,-        | never",
      "not tolerated                    | unreachable@60        | -           | at once",
      "tolerated 10 s                   | unreachable@60        | 10,-        | 70",
      "the first matching toleration    | unreachable@60        | 10,5        | 70",
      "forever                          | unreachable@60        | null,-      | never",
      "one taint of two not tolerated   | unreachable@60 other@0 | 10,-       | at once",
      "earliest taint counts            | unreachable@60 not-ready@30 | any30,- | 60",
  })
  void evictionTimes(String name, String taints, String tolerations, String expected) {
    Pod p = running(pod("p", null), "n1", "2026-01-01T00:00:00Z");
    List<Toleration> tols = new java.util.ArrayList<>();
    String[] ts = tolerations.split(",");
    if (!ts[0].equals("-")) {
      tols.add(ts[0].startsWith("any") ? new Toleration("NoExecute", null, "Exists", Long.parseLong(ts[0].substring(3)), null)
          : unreachableFor(ts[0].equals("null") ? null : Long.parseLong(ts[0])));
    }
    if (ts.length > 1 && !ts[1].equals("-")) {
      tols.add(unreachableFor(Long.parseLong(ts[1])));
    }
    p.getSpec().setTolerations(tols);
    List<Taint> list = new java.util.ArrayList<>();
    if (!taints.equals("-")) {
      for (String t : taints.split(" ")) {
        String key = t.substring(0, t.indexOf('@'));
        String at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(Long.parseLong(t.substring(t.indexOf('@') + 1)))
            .toString();
        list.add(new Taint("NoExecute", key.equals("other") ? "other" : "node.kubernetes.io/" + key, at, null));
      }
    }
    Instant got = NoExecute.evictionTime(p, list, T0);
    String g = got == null ? "never" : got.equals(Instant.MIN) ? "at once"
        : Long.toString(got.getEpochSecond() - Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    assertEquals(expected, g);
  }

  /**
   * A pod tolerating the unreachable taint for 300 s has its deletion scheduled; then the node changes
   * ({@code untainted}, {@code forever}: the pod's toleration changed to no limit, {@code gone}: the pod was
   * deleted, {@code intolerant}: the pod no longer tolerates it) and the events say what kube's would.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "untainted  | TaintManagerEviction: Cancelling deletion of Pod ns/p",
      "forever    | TaintManagerEviction: Cancelling deletion of Pod ns/p",
      "gone       | TaintManagerEviction: Cancelling deletion of Pod ns/p",
      "intolerant | TaintManagerEviction: Cancelling deletion of Pod ns/p;TaintManagerEviction: Marking for deletion Pod ns/p",
      "nothing    | ''",
  })
  void aScheduledDeletionCalledOffGetsKubesCancellingEvent(String change, String events) {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UNREACHABLE).build());
    podOn("p", unreachableFor(300L));
    TaintEvictionController c = controller();
    sync(c, "p");
    switch (change) {
      case "untainted" -> fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:02:00Z")
          .build());
      case "forever" -> podOn("p", unreachableFor(null));
      case "gone" -> fake.store.delete(podType, "ns", "p", io.dekube.core.store.WriteOptions.none()
          .withGracePeriodSeconds(0L));
      case "intolerant" -> podOn("p");
      default -> { }
    }
    fake.clock.set(T0.plusSeconds(10));
    sync(c, "p");
    sync(c, "p");
    assertEquals(events.isEmpty() ? List.of() : List.of(events.split(";")), fake.eventReasons());
  }

  @Test
  void aPodEvictedAtOnceWasNeverScheduledSoNothingIsCancelled() {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", UNREACHABLE).build());
    podOn("p");
    TaintEvictionController c = controller();
    sync(c, "p");
    sync(c, "p");
    assertEquals(List.of("TaintManagerEviction: Marking for deletion Pod ns/p"), fake.eventReasons());
  }

  /**
   * kube's processPodOnNode keeps a scheduled deletion when the node's taints change and the pod still
   * tolerates them for a while: not-ready turning into unreachable (a later timeAdded, even a shorter
   * toleration) leaves the time it was given, with no Cancelling event.
   */
  @ParameterizedTest(name = "unreachable tolerated {0} s")
  @CsvSource({"300", "60"})
  void notReadyTurningUnreachableKeepsTheScheduledDeletion(long unreachableSeconds) {
    fake.store.put(nodeType, node("n1", "False", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
        new Taint("NoExecute", "node.kubernetes.io/not-ready", "2026-01-01T00:01:00Z", null)).build());
    podOn("p", new Toleration("NoExecute", "node.kubernetes.io/not-ready", "Exists", 300L, null),
        unreachableFor(unreachableSeconds));
    TaintEvictionController c = controller();
    sync(c, "p");
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:40Z",
        new Taint("NoExecute", "node.kubernetes.io/unreachable", "2026-01-01T00:01:40Z", null)).build());
    fake.clock.set(T0.plusSeconds(40));
    sync(c, "p");
    assertEvictedAt300(c);
    assertEquals(List.of("TaintManagerEviction: Marking for deletion Pod ns/p"), fake.eventReasons());
  }
}
