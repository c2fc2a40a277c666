package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.runtime.SimulatedRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sidecar containers (init containers with restartPolicy Always) as kube 1.32's kubelet runs them: the start
 * order of init containers, the pod's phase, conditions and statuses, and the order in which they stop.
 */
class SidecarContainersTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static ContainerRecord init(String name, boolean sidecar) {
    ContainerRecord r = new ContainerRecord(name, true, "busybox");
    r.sidecar = sidecar;
    return r;
  }

  private static ContainerRecord main(String name) {
    return new ContainerRecord(name, false, "busybox");
  }

  /** Running; {@code started}: postStart returned and startup probe passed; ready as its readiness says. */
  private static ContainerRecord run(ContainerRecord r, boolean started, boolean ready) {
    r.running = new SimulatedRuntime(null, Duration.ZERO).start(null).result();
    r.startedAt = T;
    r.started = started;
    r.ready = ready;
    return r;
  }

  private static ContainerRecord exit(ContainerRecord r, int code, boolean restarting) {
    r.running = null;
    r.started = false;
    r.ready = false;
    r.terminated = new ContainerRecord.Terminated(code, code == 0 ? "Completed" : "Error", null, T, T, "x");
    r.restartAt = restarting ? T.plusSeconds(10) : null;
    return r;
  }

  private static List<String> names(List<ContainerRecord> l) {
    return l.stream().map(ContainerRecord::name).toList();
  }

  @Test
  void aSidecarMustBeStartedBeforeTheNextInitContainerAndKeepsRunning() {
    ContainerRecord proxy = init("proxy", true);
    ContainerRecord setup = init("setup", false);
    List<ContainerRecord> inits = List.of(proxy, setup);
    List<ContainerRecord> mains = List.of(main("app"));

    InitSequence.Plan plan = InitSequence.plan(inits, mains);
    assertEquals(List.of("proxy"), names(plan.start()));
    assertFalse(plan.containers());

    run(proxy, false, false); // running, its startup probe has not passed yet
    plan = InitSequence.plan(inits, mains);
    assertEquals(List.of(), names(plan.start()), "setup waits for proxy's startup");
    assertFalse(plan.containers());

    proxy.started = true;
    plan = InitSequence.plan(inits, mains);
    assertEquals(List.of("setup"), names(plan.start()));
    assertFalse(plan.containers());

    exit(setup, 0, false);
    plan = InitSequence.plan(inits, mains);
    assertEquals(List.of(), names(plan.start()));
    assertTrue(plan.containers(), "the sidecar runs on beside the containers");
  }

  @Test
  void aSidecarThatEndsIsStartedAgainWithoutHoldingBackAnInitializedPod() {
    ContainerRecord proxy = init("proxy", true);
    ContainerRecord setup = exit(init("setup", false), 0, false);
    ContainerRecord app = run(main("app"), true, true);
    exit(proxy, 1, true);
    InitSequence.Plan plan = InitSequence.plan(List.of(proxy, setup), List.of(app));
    assertEquals(List.of("proxy"), names(plan.start()));
    assertTrue(plan.containers());
    assertTrue(InitSequence.initialized(List.of(proxy, setup), List.of(app)), "Initialized stays True");
  }

  @Test
  void aSidecarThatEndsBeforeThePodIsInitializedIsStartedAgainFirst() {
    ContainerRecord proxy = exit(init("proxy", true), 0, true);
    ContainerRecord setup = init("setup", false);
    InitSequence.Plan plan = InitSequence.plan(List.of(proxy, setup), List.of(main("app")));
    assertEquals(List.of("proxy"), names(plan.start()));
    assertFalse(plan.containers());
    assertEquals(List.of("proxy", "setup"), InitSequence.incomplete(List.of(proxy, setup), List.of(main("app"))));
  }

  @Test
  void statusCountsTheSidecarsReadinessAndReportsItStarted() {
    ContainerRecord proxy = run(init("proxy", true), true, false);
    ContainerRecord setup = exit(init("setup", false), 0, false);
    ContainerRecord app = run(main("app"), true, true);
    PodStatusBuilder.Input in = new PodStatusBuilder.Input(List.of(proxy, setup), List.of(app), "Always", "1.1.1.1",
        "2.2.2.2", T, false);
    ObjectNode s = PodStatusBuilder.build(in, Json.object(), T);
    assertEquals("Running", s.path("phase").asText());
    assertEquals("True", condition(s, "Initialized").path("status").asText());
    assertEquals("False", condition(s, "ContainersReady").path("status").asText());
    assertEquals("containers with unready status: [proxy]", condition(s, "Ready").path("message").asText());
    JsonNode status = s.path("initContainerStatuses").get(0);
    assertTrue(status.path("started").asBoolean());
    assertFalse(status.path("ready").asBoolean());
    assertTrue(status.at("/state/running").isObject());
    JsonNode done = s.path("initContainerStatuses").get(1);
    assertTrue(done.path("ready").asBoolean(), "an init container that ended successfully is ready, as kube says");
    assertFalse(done.path("started").asBoolean());

    proxy.ready = true;
    s = PodStatusBuilder.build(in, s, T);
    assertEquals("True", condition(s, "Ready").path("status").asText());
    assertTrue(s.path("initContainerStatuses").get(0).path("ready").asBoolean());
  }

  @Test
  void aSidecarNotStartedYetKeepsThePodPendingAndNotInitialized() {
    ContainerRecord proxy = run(init("proxy", true), false, false);
    PodStatusBuilder.Input in = new PodStatusBuilder.Input(List.of(proxy, init("setup", false)), List.of(main("app")),
        "Always", "1.1.1.1", "2.2.2.2", T, false);
    ObjectNode s = PodStatusBuilder.build(in, Json.object(), T);
    assertEquals("Pending", s.path("phase").asText());
    assertEquals("containers with incomplete status: [proxy setup]",
        condition(s, "Initialized").path("message").asText());
  }

  /** A Job's pod: once its containers ended for good, its work is over; its phase waits for the sidecars to stop. */
  @Test
  void aNeverPodIsFinishedByItsContainersAloneOnceItsSidecarsStopped() {
    ContainerRecord proxy = run(init("proxy", true), true, true);
    ContainerRecord app = exit(run(main("app"), true, true), 0, false);
    PodStatusBuilder.Input in = new PodStatusBuilder.Input(List.of(proxy), List.of(app), "Never", "1.1.1.1",
        "2.2.2.2", T, false);
    assertTrue(PodStatusBuilder.finished(in));
    assertEquals("Running", PodStatusBuilder.phase(in), "while the sidecar stops");
    exit(proxy, 143, false);
    assertEquals("Succeeded", PodStatusBuilder.phase(in), "the sidecar's exit code does not count");

    ContainerRecord failed = exit(run(main("app"), true, true), 3, false);
    assertEquals("Failed", PodStatusBuilder.phase(new PodStatusBuilder.Input(List.of(proxy), List.of(failed), "Never",
        "1.1.1.1", "2.2.2.2", T, false)));
    assertFalse(PodStatusBuilder.finished(new PodStatusBuilder.Input(List.of(proxy), List.of(run(main("a"), true, true)),
        "Never", "1.1.1.1", "2.2.2.2", T, false)), "a running container keeps the pod's work going");
    assertFalse(PodStatusBuilder.finished(new PodStatusBuilder.Input(List.of(proxy), List.of(exit(main("a"), 0, true)),
        "Always", "1.1.1.1", "2.2.2.2", T, false)), "restartPolicy Always never finishes");
  }

  /** Containers stop first, then the sidecars, the last declared first; every preStop starts at once. */
  @Test
  void sidecarsStopAfterTheContainersInReverseOrder() {
    ContainerRecord log = run(init("log", true), true, true);
    ContainerRecord proxy = run(init("proxy", true), true, true);
    ContainerRecord app = run(main("app"), true, true);
    Map<String, Promise<Integer>> ends = new LinkedHashMap<>();
    Map<String, Future<?>> turns = new LinkedHashMap<>();
    List<String> stopped = new ArrayList<>();
    Future<Void> all = TerminationOrder.stop(List.of(app), List.of(log, proxy), (rec, turn) -> {
      Promise<Integer> end = Promise.promise();
      ends.put(rec.name(), end);
      turns.put(rec.name(), turn);
      turn.onComplete(ar -> stopped.add(rec.name()));
      return end.future();
    });
    assertEquals(List.of("app", "proxy", "log"), List.copyOf(ends.keySet()), "all killed at once (preStop hooks)");
    assertEquals(List.of("app"), stopped, "only the container is stopped at first");
    ends.get("app").complete(0);
    assertEquals(List.of("app", "proxy"), stopped);
    ends.get("proxy").complete(143);
    assertEquals(List.of("app", "proxy", "log"), stopped);
    assertFalse(all.isComplete());
    ends.get("log").complete(143);
    assertTrue(all.succeeded());
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }
}
