package io.dekube.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BusPartitionerTest {

  @ParameterizedTest
  @ValueSource(strings = {"pods", "deployments.apps", "configmaps", "customresourcedefinitions.apiextensions.k8s.io",
      "client-0b7c", "kubelet-node-1", ""})
  void matchesKafkasDefaultPartitioner(String key) {
    for (int partitions : new int[] {1, 3, 12, 64}) {
      assertEquals(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions),
          BusPartitioner.partition(key, partitions), key + " / " + partitions);
    }
  }
}
