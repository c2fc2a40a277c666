package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortHolderTest {

  @Test
  void aTakenPortIsNamedWithTheProcessHoldingIt() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String taken = PortHolder.taken("127.0.0.1", held.getLocalPort());
      assertTrue(taken != null && taken.startsWith("port 127.0.0.1:" + held.getLocalPort() + " is taken"), taken);
      if (System.getProperty("os.name").startsWith("Linux")) {
        assertTrue(taken.contains("by pid " + ProcessHandle.current().pid() + " ("), taken);
      }
    }
  }

  @Test
  void aFreePortIsNotTaken() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    assertNull(PortHolder.taken("127.0.0.1", port));
  }
}
