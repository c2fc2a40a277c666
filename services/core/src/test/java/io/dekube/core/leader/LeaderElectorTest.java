package io.dekube.core.leader;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.store.WriteOptions;
import io.dekube.core.testing.TestClock;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderElectorTest {

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryStore store = new InMemoryStore();
  private final ResourceType leases = store.type("leases.coordination.k8s.io");
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theFirstCandidateAcquiresAndTheSecondWaits() {
    Candidate a = candidate("a");
    Candidate b = candidate("b");
    a.start();
    await().until(() -> a.elector.isLeader());
    long before = store.reads();
    b.start();
    await().until(() -> b.attempts() >= before + 3);
    assertFalse(b.elector.isLeader());
    Lease lease = lease();
    assertEquals("a", lease.getSpec().getHolderIdentity());
    assertEquals(0, lease.getSpec().getLeaseTransitions());
    assertEquals(15, lease.getSpec().getLeaseDurationSeconds());
    assertEquals(1, a.started.get());
    String renew = store.object(leases, "kube-system", "cm").path("spec").path("renewTime").asText();
    assertTrue(renew.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), renew);
  }

  @Test
  void stoppingReleasesTheLeaseAndTheOtherTakesOver() {
    Candidate a = candidate("a");
    Candidate b = candidate("b");
    a.start();
    await().until(() -> a.elector.isLeader());
    b.start();
    vertx.runOnContext(v -> a.elector.stop());
    await().until(() -> b.elector.isLeader());
    assertEquals(1, a.stopped.get());
    assertEquals("b", lease().getSpec().getHolderIdentity());
    assertEquals(1, lease().getSpec().getLeaseTransitions());
  }

  @Test
  void aLeaseNotRenewedForItsDurationIsTakenOver() {
    Lease dead = new Lease();
    dead.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("cm").withNamespace("kube-system")
        .build());
    dead.setSpec(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder().withHolderIdentity("gone")
        .withLeaseDurationSeconds(15).withLeaseTransitions(4).withRenewTime(clock.instant().atZone(ZoneOffset.UTC))
        .build());
    store.put(leases, dead);
    Candidate b = candidate("b");
    b.start();
    await().until(() -> b.attempts() >= 3);
    assertFalse(b.elector.isLeader());
    clock.advance(Duration.ofSeconds(16));
    await().until(() -> b.elector.isLeader());
    assertEquals(5, lease().getSpec().getLeaseTransitions());
  }

  @Test
  void aLeaderWhoseLeaseIsTakenStopsLeading() {
    Candidate a = candidate("a");
    a.start();
    await().until(() -> a.elector.isLeader());
    ObjectNode tree = store.object(leases, "kube-system", "cm").deepCopy();
    ((ObjectNode) tree.get("spec")).put("holderIdentity", "usurper");
    store.update(leases, tree, WriteOptions.none());
    await().until(() -> a.stopped.get() == 1);
    assertFalse(a.elector.isLeader());
  }

  @Test
  void aLeaderRenewsFromTheLeaseItWroteWithoutReadingItFirst() {
    Candidate a = new Candidate("a", Duration.ofSeconds(3), Duration.ofSeconds(2)); // renews every second
    a.start();
    await().until(() -> a.elector.isLeader());
    long reads = store.reads();
    for (int i = 0; i < 2; i++) {
      String before = lease().getSpec().getRenewTime().toString();
      clock.advance(Duration.ofSeconds(1));
      await().until(() -> !lease().getSpec().getRenewTime().toString().equals(before));
    }
    assertEquals(reads, store.reads(), "renewals are compare-and-swap writes of the Lease it wrote last");
    assertEquals("a", lease().getSpec().getHolderIdentity());
    assertEquals(Duration.ofSeconds(5), LeaderElector.Config.of("x", "y").renewPeriod(), "kube's 15 s / 10 s / 2 s");
  }

  private Lease lease() {
    return Typed.from(store.object(leases, "kube-system", "cm"), Lease.class);
  }

  private Candidate candidate(String id) {
    return new Candidate(id);
  }

  private final class Candidate {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stopped = new AtomicInteger();
    final LeaderElector elector;
    final String id;

    Candidate(String id) {
      this(id, Duration.ofSeconds(15), Duration.ofSeconds(10));
    }

    Candidate(String id, Duration lease, Duration renewDeadline) {
      this.id = id;
      LeaderElector.Config c = LeaderElector.Config.of("cm", id).withTimings(lease, renewDeadline, Duration.ofMillis(10));
      elector = new LeaderElector(vertx, store, c, new LeaderElector.Callbacks() {
        @Override
        public void onStartedLeading() {
          started.incrementAndGet();
        }

        @Override
        public void onStoppedLeading() {
          stopped.incrementAndGet();
        }
      }, clock);
    }

    void start() {
      vertx.runOnContext(v -> elector.start());
    }

    long attempts() {
      return store.reads();
    }
  }
}
