package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpdyStreamsTest {

  private static final String FAILURE = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with "
      + "non-zero exit code: exit code 3\",\"reason\":\"NonZeroExitCode\"}";

  @Test
  void theClientsFirstServedProtocolIsAgreed() {
    assertEquals("v4.channel.k8s.io", SpdyStreams.negotiate(List.of("v9.channel.k8s.io", "v4.channel.k8s.io",
        "channel.k8s.io")));
    assertNull(SpdyStreams.negotiate(List.of("v9.channel.k8s.io")));
  }

  @Test
  void v4AndV5CarryTheStatusOlderProtocolsItsMessage() {
    byte[] status = FAILURE.getBytes(StandardCharsets.UTF_8);
    assertEquals(FAILURE, new String(SpdyStreams.errorFor("v4.channel.k8s.io", status), StandardCharsets.UTF_8));
    assertEquals(FAILURE, new String(SpdyStreams.errorFor("v5.channel.k8s.io", status), StandardCharsets.UTF_8));
    assertEquals("command terminated with non-zero exit code: exit code 3",
        new String(SpdyStreams.errorFor("v3.channel.k8s.io", status), StandardCharsets.UTF_8));
    assertEquals(0, SpdyStreams.errorFor("channel.k8s.io",
        "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8)).length);
  }
}
