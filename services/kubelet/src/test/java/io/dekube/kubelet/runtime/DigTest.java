package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dig} applet of the DNS debugging page, against a small DNS server that knows one name. */
class DigTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private int port;
  private final List<String> asked = new ArrayList<>();
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void dns() throws Exception {
    vertx = Vertx.vertx();
    DatagramSocket server = vertx.createDatagramSocket();
    server.handler(p -> {
      byte[] q = p.data().getBytes();
      String name = DnsMessage.parse(q).question();
      asked.add(name);
      boolean known = name.equals("kubernetes.default.svc.cluster.local.");
      Buffer r = Buffer.buffer(q);
      r.setUnsignedShort(2, 0x8500 | (known ? 0 : 3)); // qr aa rd, NOERROR or NXDOMAIN
      r.setUnsignedShort(6, known ? 1 : 0);
      if (known) {
        r.appendBytes(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 1});
      }
      server.send(r, p.sender().port(), p.sender().host());
    });
    port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .localAddress().port();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int dig(String... args) throws Exception {
    output.clear();
    asked.clear();
    ContainerSpec spec = new ContainerSpec("default", "dnsutils", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("dnsutils").withImage("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3")
            .build(), Map.of("HOSTNAME", "dnsutils", "DEKUBE_DNS_SERVER", "127.0.0.1", "DEKUBE_DNS_PORT",
        Integer.toString(port), "DEKUBE_DNS_SEARCH", "default.svc.cluster.local svc.cluster.local cluster.local"),
        dir.resolve("c/0.log"), dir, Map.of(), "id");
    List<String> argv = new ArrayList<>(List.of("dig"));
    argv.addAll(List.of(args));
    ExecSession s = ShellSession.start(vertx, spec, argv, output, false);
    return s.exitCode().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** What dig printed: it writes all of it, failures too, on stdout. */
  private String out() {
    return output.out.toString() + output.err;
  }

  @Test
  void digPrintsTheAnswerAsBindsDigDoes() throws Exception {
    assertEquals(0, dig("kubernetes.default.svc.cluster.local"));
    String o = out();
    assertTrue(o.startsWith("\n; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> kubernetes.default.svc.cluster.local\n"
        + ";; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: "), o);
    assertTrue(o.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
        + ";; WARNING: recursion requested but not available\n\n;; QUESTION SECTION:\n"
        + ";kubernetes.default.svc.cluster.local.\t\t\tIN\tA\n\n;; ANSWER SECTION:\n"
        + "kubernetes.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.1\n\n;; Query time: "), o);
    assertTrue(o.contains(";; SERVER: 127.0.0.1#53(127.0.0.1)\n") && o.contains(";; MSG SIZE  rcvd: 70\n"),
        "the pod's cluster DNS answers on 53 as far as it sees: " + o);
    assertEquals(0, dig("+short", "kubernetes.default.svc.cluster.local", "A"));
    assertEquals("10.96.0.1\n", out());
  }

  @Test
  void aShortNameIsAskedAsItIsUnlessSearchIsAsked() throws Exception {
    assertEquals(0, dig("kubernetes.default"));
    assertTrue(out().contains("status: NXDOMAIN") && out().contains("ANSWER: 0"), out());
    assertEquals(List.of("kubernetes.default."), asked);
    assertEquals(0, dig("+search", "+short", "kubernetes.default"));
    assertEquals("10.96.0.1\n", out());
    assertEquals(List.of("kubernetes.default.default.svc.cluster.local.", "kubernetes.default.svc.cluster.local."),
        asked);
  }

  /**
   * Nothing answers: after {@code +tries} queries {@code +time} seconds apart (dig's 3 and 5 s unless given; here
   * 2 of 1 s, which keeps the test short) dig gives up with exit 9.
   */
  @Test
  void aServerThatDoesNotAnswerTimesOut() throws Exception {
    long started = System.nanoTime();
    assertEquals(9, dig("@127.0.0.1", "-p", "1", "+short", "+time=1", "+tries=2",
        "kubernetes.default.svc.cluster.local"));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(";; connection timed out; no servers could be reached\n", out());
    assertTrue(millis >= 2000 && millis < 4500, millis + " ms");
    started = System.nanoTime();
    assertEquals(9, dig("@127.0.0.1", "-p", "1", "+short", "+time=0", "+retry=0",
        "kubernetes.default.svc.cluster.local"));
    millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis >= 1000 && millis < 2500, "+time=0 is 1 s, +retry=0 one try: " + millis + " ms");
  }
}
