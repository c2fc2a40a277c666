package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WriteParamsTest {

  @Test
  void theManagerOfAWriteWithoutOneIsTheUserAgentsPrefix() {
    assertEquals("kubectl", WriteParams.managerFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07"));
    assertEquals("curl", WriteParams.managerFromUserAgent("curl/8.5.0"));
    assertEquals("myclient", WriteParams.managerFromUserAgent("my\tclient"), "unprintable characters are left out");
    assertEquals(128, WriteParams.managerFromUserAgent("x".repeat(300)).length());
    assertNull(WriteParams.managerFromUserAgent(null));
    assertNull(WriteParams.managerFromUserAgent("/v1"));
  }
}
