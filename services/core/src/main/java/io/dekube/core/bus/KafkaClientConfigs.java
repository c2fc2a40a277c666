package io.dekube.core.bus;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * What every long-lived Kafka client of dekube starts from: the bootstrap servers and no client
 * telemetry push (KIP-714). dekube's metrics are its own (Micrometer, the ops port); the telemetry
 * reporter of each client (a process of {@code up} holds ~90 of them) costs ~50 KB of heap and a
 * subscription request to a broker that collects nothing.
 */
public final class KafkaClientConfigs {

  private KafkaClientConfigs() {
  }

  /** A new mutable config holding {@code bootstrap.servers} and {@code enable.metrics.push=false}. */
  public static Map<String, Object> base(String bootstrapServers) {
    Map<String, Object> c = new HashMap<>();
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
    return c;
  }
}
