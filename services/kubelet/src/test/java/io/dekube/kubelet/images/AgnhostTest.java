package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code registry.k8s.io/e2e-test-images/agnhost}: the subcommands the docs use, and one it does not know. */
class AgnhostTest {

  private static final String IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.40";

  @TempDir
  Path dir;

  @Test
  void livenessIsHealthyForTenSecondsThen500() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.10")) {
      t.start("liveness-http", new ContainerBuilder().withName("liveness").withImage(IMAGE).withArgs("liveness")
          .build(), Map.of());
      var r = t.get(8080, "/healthz");
      assertEquals(200, r.statusCode());
      assertEquals("ok", r.body());
      assertEquals(404, t.get(8080, "/other").statusCode());
    }
    assertTrue(AgnhostLiveness.healthy(9_999_000_000L));
    assertFalse(AgnhostLiveness.healthy(10_500_000_000L));
    assertEquals("error: 10.5", AgnhostLiveness.healthz(10_500_000_000L));
  }

  @Test
  void netexecServesHostnameEchoClientIpHealthzOverHttpAndUdp() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.11")) {
      t.start("netexec-0", new ContainerBuilder().withName("agnhost").withImage(IMAGE)
          .withArgs("netexec", "--http-port=8083", "--udp-port", "8084").build(), Map.of("HOSTNAME", "netexec-0"));
      assertEquals("netexec-0", t.get(8083, "/hostname").body());
      assertEquals("hi", t.get(8083, "/echo?msg=hi").body());
      var teapot = t.get(8083, "/echo?msg=tea&code=418");
      assertEquals(418, teapot.statusCode());
      assertTrue(t.get(8083, "/clientip").body().matches("127[.\\d]+:\\d+"));
      assertEquals(200, t.get(8083, "/healthz").statusCode());
      assertTrue(t.get(8083, "/").body().startsWith("NOW: "));
      assertEquals("{\"output\":\"netexec-0\\n\"}", t.get(8083, "/shell?cmd=hostname").body());
      try (DatagramSocket udp = new DatagramSocket()) {
        udp.setSoTimeout(10_000);
        byte[] q = "echo pong".getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(q, q.length, InetAddress.getByName("127.31.7.11"), 8084));
        DatagramPacket a = new DatagramPacket(new byte[256], 256);
        udp.receive(a);
        assertEquals("pong", new String(a.getData(), 0, a.getLength(), StandardCharsets.UTF_8));
      }
      try {
        t.get(8083, "/exit?code=3");
      } catch (java.io.IOException expected) {
        // /exit ends the program without an answer
      }
      assertEquals(3, t.exitCode());
    }
  }

  @Test
  void serveHostnameAnswersItsHostnameOn9376AndPauseWaits() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.12")) {
      t.start("hostnames-1", new ContainerBuilder().withName("hostnames").withImage(IMAGE).withArgs("serve-hostname")
          .build(), Map.of("HOSTNAME", "hostnames-1"));
      assertEquals("hostnames-1", t.get(9376, "/").body());
    }
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.13")) {
      t.start("paused", new ContainerBuilder().withName("paused").withImage(IMAGE).build(), Map.of());
      assertFalse(t.container.exited().isComplete());
      t.container.stop(Duration.ofSeconds(1));
      assertEquals(2, t.exitCode());
      t.awaitLog("paused", "stdout F Paused\n");
    }
  }

  @Test
  void anUnknownSubcommandFailsTheContainerSayingWhatRuns() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.14")) {
      t.start("porter", new ContainerBuilder().withName("agnhost").withImage(IMAGE).withArgs("porter").build(),
          Map.of());
      assertEquals(1, t.exitCode());
      t.awaitLog("agnhost", 
          "stderr F Error: unknown command \"porter\" for \"agnhost\"");
      assertTrue(t.log("agnhost").contains("(dekube's agnhost runs liveness, netexec, pause, serve-hostname)"));
    }
  }
}
