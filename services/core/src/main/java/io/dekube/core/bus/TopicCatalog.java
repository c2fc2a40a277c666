package io.dekube.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic catalog of {@code bus-schemas/topics.yaml}: the fixed topics and the settings of the
 * per-resource store topics. {@link #ensureTopics} creates what is missing and aligns the settings
 * of what exists. Immutable; the creation methods block (call them from a worker, never an event loop).
 */
public final class TopicCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCatalog.class);
  /** How long a creation that may pass is tried again ({@link #passing}), and the pause between tries. */
  static final Duration CREATE_RETRY = Duration.ofSeconds(60);
  private static final long CREATE_RETRY_PAUSE_MILLIS = 500;

  /** A topic to create. */
  public record TopicSpec(String name, int partitions, String schema, Map<String, String> config) {
  }

  private final List<TopicSpec> fixed;
  private final String storePrefix;
  private final String storeSchema;
  private final Map<String, String> storeConfig;

  private TopicCatalog(List<TopicSpec> fixed, String storePrefix, String storeSchema, Map<String, String> storeConfig) {
    this.fixed = fixed;
    this.storePrefix = storePrefix;
    this.storeSchema = storeSchema;
    this.storeConfig = storeConfig;
  }

  /** Loads the catalog shipped in the bus-schemas jar. */
  public static TopicCatalog load() {
    try (InputStream in = TopicCatalog.class.getResourceAsStream("/dekube-bus/topics.yaml")) {
      if (in == null) {
        throw new IllegalStateException("dekube-bus/topics.yaml not on the classpath (bus-schemas jar missing)");
      }
      JsonNode root = Json.YAML.readTree(in);
      List<TopicSpec> fixed = new ArrayList<>();
      for (JsonNode t : root.path("topics")) {
        fixed.add(new TopicSpec(t.path("name").asText(), t.path("partitions").asInt(1), t.path("schema").asText(),
            config(t, "delete")));
      }
      JsonNode store = root.path("store");
      return new TopicCatalog(List.copyOf(fixed), store.path("prefix").asText("dekube.store."),
          store.path("schema").asText(), config(store, "compact"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> config(JsonNode t, String defaultCleanup) {
    Map<String, String> c = new HashMap<>();
    c.put("cleanup.policy", t.path("cleanup").asText(defaultCleanup));
    t.path("config").fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
    return Map.copyOf(c);
  }

  /** The fixed topics (requests, replies, ingest, ingest results). */
  public List<TopicSpec> fixedTopics() {
    return fixed;
  }

  /** The store topic of a resource type. */
  public TopicSpec storeTopic(ResourceType type) {
    return new TopicSpec(storePrefix + type.resourceName(), 1, storeSchema, storeConfig);
  }

  /** The schema path (relative to {@code dekube-bus/}) of the messages on a topic, or null. */
  public String schemaOf(String topic) {
    if (topic.startsWith(storePrefix)) {
      return storeSchema;
    }
    return fixed.stream().filter(t -> t.name().equals(topic)).map(TopicSpec::schema).findFirst().orElse(null);
  }

  /** Partition count of a fixed topic. */
  public int partitions(String topic) {
    return fixed.stream().filter(t -> t.name().equals(topic)).mapToInt(TopicSpec::partitions).findFirst().orElse(1);
  }

  /**
   * Creates every fixed topic and the store topic of every given type that does not exist yet
   * (replication factor -1: the broker's default), sets the catalog's settings on those that exist
   * with other values (a data directory made by an older build gets the new limits; settings the
   * catalog does not name are left as they are), and puts the {@link StoreMarker} at offset 0 of
   * every empty store topic. Idempotent. Blocks: run on a worker thread.
   */
  public void ensureTopics(String bootstrapServers, Admin admin, Collection<ResourceType> types,
                           short replicationFactor) throws ExecutionException, InterruptedException {
    List<TopicSpec> existing = createMissing(admin, types, replicationFactor);
    alignConfigs(admin, existing);
    StoreMarker.writeWhereEmpty(bootstrapServers, admin, types.stream().map(ResourceType::storeTopic).toList());
  }

  /** Creates the missing topics; returns the specs of those that already existed. */
  private List<TopicSpec> createMissing(Admin admin, Collection<ResourceType> types, short replicationFactor)
      throws ExecutionException, InterruptedException {
    Set<String> existing = new HashSet<>(admin.listTopics().names().get());
    Map<String, TopicSpec> missing = new HashMap<>();
    List<TopicSpec> present = new ArrayList<>();
    List<TopicSpec> wanted = new ArrayList<>(fixed);
    types.forEach(t -> wanted.add(storeTopic(t)));
    for (TopicSpec spec : wanted) {
      if (existing.contains(spec.name())) {
        present.add(spec);
      } else {
        missing.put(spec.name(), spec);
      }
    }
    if (missing.isEmpty()) {
      return present;
    }
    long deadline = System.nanoTime() + CREATE_RETRY.toNanos();
    while (true) {
      Map<String, KafkaFuture<Void>> created = admin.createTopics(missing.values().stream()
          .map(spec -> new NewTopic(spec.name(), Optional.of(spec.partitions()),
              replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor)).configs(spec.config()))
          .toList()).values();
      Map<String, TopicSpec> again = new HashMap<>();
      Throwable why = null;
      for (Map.Entry<String, KafkaFuture<Void>> e : created.entrySet()) {
        try {
          e.getValue().get();
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof TopicExistsException) {
            // the broker's topic list lags the controller (a topic created just before, by another process or an
            // older build): it exists, so its settings are aligned like those of the topics listed
            present.add(missing.get(e.getKey()));
          } else if (passing(ex.getCause()) && System.nanoTime() < deadline) {
            again.put(e.getKey(), missing.get(e.getKey()));
            why = ex.getCause();
          } else {
            throw ex;
          }
        }
      }
      if (again.isEmpty()) {
        return present;
      }
      LOG.warn("creating {} topics failed ({}); trying again for up to {} s", again.size(), why,
          TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
      Thread.sleep(CREATE_RETRY_PAUSE_MILLIS);
      missing = again;
    }
  }

  /**
   * Whether a failed creation may succeed when tried again: a retriable error, or no broker to place the partition
   * on. The latter is what a broker of its own cluster answers while its controller has fenced it: on a loaded
   * machine (the first start of a build, CI's tests side by side) the broker's heartbeat misses its 4 s session
   * (BrokerProperties), the controller fences the only broker until its next heartbeat, and every topic created
   * meanwhile fails with "only 0 broker(s) are registered". That ended {@code ./dekube up} before its ready line.
   */
  private static boolean passing(Throwable cause) {
    return cause instanceof RetriableException || cause instanceof InvalidReplicationFactorException
        && String.valueOf(cause.getMessage()).contains("only 0 broker(s)");
  }

  /** One describe for all, then one alter for the topics whose catalog settings differ. */
  private static void alignConfigs(Admin admin, List<TopicSpec> specs) throws ExecutionException, InterruptedException {
    if (specs.isEmpty()) {
      return;
    }
    Map<ConfigResource, TopicSpec> byResource = new HashMap<>();
    specs.forEach(s -> byResource.put(new ConfigResource(ConfigResource.Type.TOPIC, s.name()), s));
    Map<ConfigResource, Config> current = admin.describeConfigs(byResource.keySet()).all().get();
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
    current.forEach((resource, config) -> {
      List<AlterConfigOp> ops = new ArrayList<>();
      byResource.get(resource).config().forEach((key, value) -> {
        ConfigEntry entry = config.get(key);
        if (entry == null || !value.equals(entry.value())) {
          ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
        }
      });
      if (!ops.isEmpty()) {
        changes.put(resource, ops);
      }
    });
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get();
    }
  }
}
