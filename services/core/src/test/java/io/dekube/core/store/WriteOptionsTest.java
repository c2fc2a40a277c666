package io.dekube.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.Json;
import org.junit.jupiter.api.Test;

class WriteOptionsTest {

  @Test
  void roundTripsThroughTheEnvelope() {
    WriteOptions o = WriteOptions.none().withUid("u1").withResourceVersion("42").withDryRun(true)
        .withFieldManager("kubectl").withForce(true).withPropagationPolicy("Foreground").withGracePeriodSeconds(5L)
        .withFieldValidation("Strict").withSubresource("status").withApiVersion("v1beta1").withUser("alice");
    assertEquals(o, WriteOptions.fromJson(o.preconditionsJson(), o.optionsJson()));
  }

  @Test
  void noneIsEmpty() {
    assertTrue(WriteOptions.none().preconditionsJson().isEmpty());
    assertTrue(WriteOptions.none().optionsJson().isEmpty());
    assertEquals(WriteOptions.none(), WriteOptions.fromJson(null, null));
  }

  @Test
  void dryRunAcceptsKubernetesSpellings() throws Exception {
    assertTrue(WriteOptions.fromJson(null, Json.MAPPER.readTree("{\"dryRun\":[\"All\"]}")).dryRun());
    assertTrue(WriteOptions.fromJson(null, Json.MAPPER.readTree("{\"dryRun\":\"All\"}")).dryRun());
    assertFalse(WriteOptions.fromJson(null, Json.MAPPER.readTree("{\"dryRun\":[]}")).dryRun());
  }
}
