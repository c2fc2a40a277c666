package io.dekube.core.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.ResourceType;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

/**
 * A data directory made by an older build holds topics with older settings: {@code ensureTopics} sets the catalog's
 * values on them (so a store topic takes the new record limit), and leaves settings the catalog does not name alone.
 */
@WithKafka
class TopicCatalogIT {

  @Test
  void anExistingStoreTopicTakesTheCatalogsSettingsAndKeepsItsOwn(@KafkaBootstrap String bootstrap) throws Exception {
    ResourceType type = new ResourceType("catalog-" + UUID.randomUUID().toString().substring(0, 8) + ".dekube.io",
        "v1", "gadgets", "gadget", "Gadget", true, List.of(), List.of(), List.of());
    TopicCatalog catalog = TopicCatalog.load();
    Map<String, String> wanted = catalog.storeTopic(type).config();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      // as an older build made it: the broker's 1 MB record limit, and an operator's own retention setting
      admin.createTopics(List.of(new NewTopic(type.storeTopic(), Optional.of(1), Optional.of((short) 1))
          .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "1048588",
              "min.compaction.lag.ms", "60000")))).all().get();

      catalog.ensureTopics(bootstrap, admin, List.of(type), (short) 1);

      // KRaft applies an altered config when the broker replays the metadata record: read until it has (10 s at most)
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, type.storeTopic());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        wanted.forEach((key, value) -> assertEquals(value, config.get(key).value(), key));
        assertEquals("60000", config.get("min.compaction.lag.ms").value(), "a setting the catalog does not name");
      });
    }
  }

  /**
   * A broker whose controller fenced it (its heartbeat missed the session on a loaded machine) answers every topic
   * creation with "only 0 broker(s) are registered" until its next heartbeat: the creation is tried again, and
   * {@code ./dekube up} no longer ends before its ready line.
   */
  @Test
  void aCreationAnsweredWhileTheBrokerIsFencedIsTriedAgain(@KafkaBootstrap String bootstrap) throws Exception {
    ResourceType type = new ResourceType("fenced-" + UUID.randomUUID().toString().substring(0, 8) + ".dekube.io",
        "v1", "gadgets", "gadget", "Gadget", true, List.of(), List.of(), List.of());
    try (Admin real = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      java.util.concurrent.atomic.AtomicInteger creations = new java.util.concurrent.atomic.AtomicInteger();
      Admin fencedOnce = (Admin) java.lang.reflect.Proxy.newProxyInstance(Admin.class.getClassLoader(),
          new Class<?>[] {Admin.class}, (proxy, method, args) -> {
            if (method.getName().equals("createTopics") && creations.getAndIncrement() == 0) {
              Map<String, org.apache.kafka.common.KafkaFuture<CreateTopicsResult.TopicMetadataAndConfig>> failed =
                  new java.util.HashMap<>();
              for (NewTopic t : (java.util.Collection<NewTopic>) args[0]) {
                org.apache.kafka.common.internals.KafkaFutureImpl<CreateTopicsResult.TopicMetadataAndConfig> f =
                    new org.apache.kafka.common.internals.KafkaFutureImpl<>();
                f.completeExceptionally(new InvalidReplicationFactorException("Unable to replicate the partition 1"
                    + " time(s): The target replication factor of 1 cannot be reached because only 0 broker(s) are"
                    + " registered."));
                failed.put(t.name(), f);
              }
              return new CreateTopicsResult(failed) { };
            }
            try {
              return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });

      TopicCatalog.load().ensureTopics(bootstrap, fencedOnce, List.of(type), (short) 1);

      assertTrue(creations.get() >= 2, "created again after the fenced answer");
      assertTrue(real.listTopics().names().get().contains(type.storeTopic()), "the store topic exists");
    }
  }
}
