package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two writers, one of them dies (killed mid-transaction) or freezes (mid-transaction, past
 * max.poll.interval.ms): the other takes its partitions over, its transactional producer fences the
 * zombie (whose open transaction is aborted), and no acknowledged create is lost or duplicated.
 */
@WithKafka
class WriterFencingIT {

  private static final Logger LOG = LoggerFactory.getLogger(WriterFencingIT.class);

  @Test
  void killedWriterIsReplacedWithoutLosingOrDuplicatingCreates(@KafkaBootstrap String bootstrap) throws Exception {
    try (FencingScenario s = new FencingScenario(bootstrap, "fence-kill")) {
      s.startWriters();
      int victim = s.victim();
      s.startClients();
      FencingScenario.Hooks h = s.hooks[victim];
      h.killArmed = true;
      h.partition = s.partition;
      assertTrue(h.hit.await(10, TimeUnit.SECONDS), "the victim committed no batch");
      s.faultAt.set(System.currentTimeMillis());
      LOG.info("killed writer {} mid-transaction", victim);
      await(s.writers[victim].loopStopped());
      await(s.writerVertx[victim].close());
      s.assertServedAgainWithin15s();
      s.stopClients();
      assertTrue(s.verify() > 0, "the killed writer's open transaction held records (then aborted)");
    }
  }

  @Test
  void frozenWriterIsFencedAndItsLateCommitFails(@KafkaBootstrap String bootstrap) throws Exception {
    try (FencingScenario s = new FencingScenario(bootstrap, "fence-freeze")) {
      s.startWriters();
      int victim = s.victim();
      int survivor = 1 - victim;
      s.startClients();
      FencingScenario.Hooks h = s.hooks[victim];
      CountDownLatch release = new CountDownLatch(1);
      h.release = release;
      h.partition = s.partition;
      assertTrue(h.hit.await(10, TimeUnit.SECONDS), "the victim committed no batch");
      s.faultAt.set(System.currentTimeMillis());
      await().atMost(Duration.ofSeconds(20)).until(() -> s.writers[survivor].ownedPartitions().contains(s.partition));
      s.assertServedAgainWithin15s();
      LOG.info("releasing the frozen writer");
      release.countDown();
      // the zombie's late commit fails (fenced); it rejoins and the group settles with both writers
      await().atMost(Duration.ofSeconds(30)).until(() -> s.writers[victim].ownedPartitions().size()
          + s.writers[survivor].ownedPartitions().size() == 12);
      s.stopClients();
      assertTrue(s.verify() > 0, "the frozen writer's transaction held records (then aborted)");
      assertTrue(s.writers[victim].fatalRecoveries() > 0, "the zombie's late commit failed");
      assertEquals(0, s.writers[survivor].fatalRecoveries(), "the released zombie did not fence the new owner");
    }
  }
}
