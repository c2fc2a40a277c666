package io.dekube.controllermanager.ttl;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TtlAfterFinishedControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType jobType = fake.store.type("jobs.batch");

  @ParameterizedTest(name = "{0}: ttl {1}, finished {2} -> deleted {3}")
  @CsvSource({
      "expired, 5, 2026-01-01T00:09:50Z, Complete, true",
      "not yet, 100, 2026-01-01T00:09:50Z, Complete, false",
      "failed jobs too, 0, 2026-01-01T00:09:50Z, Failed, true",
      "still running, 0, 2026-01-01T00:09:50Z, Suspended, false",
      "no ttl, -1, 2026-01-01T00:09:50Z, Complete, false"})
  void deletesFinishedJobsWhenTheirTtlIsUp(String name, int ttl, String finished, String condition, boolean deleted) {
    fake.store.put(jobType, new JobBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("pi").withNamespace("ns").withUid("uid-pi").build())
        .withNewSpec().withTtlSecondsAfterFinished(ttl < 0 ? null : ttl).endSpec()
        .withNewStatus().withConditions(new JobConditionBuilder().withType(condition).withStatus("True")
            .withLastTransitionTime(finished).build()).endStatus().build());
    done(new TtlAfterFinishedController(fake.ctx).sync(new ObjectKey("ns", "pi")));
    assertEquals(deleted ? List.of("delete jobs.batch ns/pi") : List.of(), fake.writes());
  }
}
