package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * "Debug Services" and "Debugging DNS Resolution" as their pages print them: busybox 1.28's and
 * gcr.io/google-containers/busybox's {@code nslookup} with {@code Address 1: IP NAME} lines, jessie-dnsutils' BIND
 * {@code nslookup} with {@code IP#53}, today's busybox as before; each asking a small DNS server of this test.
 */
class NslookupTest {

  private static final String DNS = "127.96.77.10";

  @TempDir
  Path dir;

  private Vertx vertx;
  private DatagramSocket server;
  private final CapturedOutput output = new CapturedOutput();
  private final StringBuffer out = output.out;
  private final StringBuffer err = output.err;

  @BeforeEach
  void dns() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createDatagramSocket();
    server.handler(p -> {
      try {
        server.send(Buffer.buffer(answer(new Message(p.data().getBytes())).toWire(512)), p.sender().port(),
            p.sender().hostAddress());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    server.listen(0, DNS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The cluster's names: hostnames and kube-dns, forwards and reverses; anything else NXDOMAIN. */
  private static Message answer(Message query) throws java.io.IOException {
    Record q = query.getQuestion();
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(q, Section.QUESTION);
    Map<String, String> a = Map.of("hostnames.default.svc.cluster.local.", "127.96.1.175",
        "kube-dns.kube-system.svc.cluster.local.", DNS);
    Map<String, String> ptr = Map.of("175.1.96.127.in-addr.arpa.", "hostnames.default.svc.cluster.local.",
        "10.77.96.127.in-addr.arpa.", "kube-dns.kube-system.svc.cluster.local.");
    String name = q.getName().toString();
    if (q.getType() == Type.A && a.containsKey(name)) {
      m.addRecord(new ARecord(q.getName(), DClass.IN, 5, java.net.InetAddress.getByName(a.get(name))),
          Section.ANSWER);
    } else if (q.getType() == Type.PTR && ptr.containsKey(name)) {
      m.addRecord(new PTRRecord(q.getName(), DClass.IN, 5, Name.fromString(ptr.get(name))), Section.ANSWER);
    } else if (!a.containsKey(name) && !ptr.containsKey(name)) {
      m.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    return m;
  }

  private int nslookup(String image, String... args) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", "busybox");
    env.put("DEKUBE_DNS_SERVER", DNS);
    env.put("DEKUBE_DNS_PORT", Integer.toString(server.localAddress().port()));
    env.put("DEKUBE_DNS_SEARCH", "default.svc.cluster.local svc.cluster.local cluster.local");
    return nslookup(env, image, args);
  }

  private int nslookup(Map<String, String> env, String image, String... args) throws Exception {
    output.clear();
    ContainerSpec spec = new ContainerSpec("default", "busybox", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage(image).build(), env, dir.resolve("c/0.log"), dir, Map.of(),
        "id");
    List<String> argv = new java.util.ArrayList<>(List.of("nslookup"));
    argv.addAll(List.of(args));
    ExecSession s = ShellSession.start(vertx, spec, argv, output, false);
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void oldBusyboxNamesEachAddressAsTheDebugServicesPageShows() throws Exception {
    for (String image : List.of("gcr.io/google-containers/busybox", "busybox:1.28", "radial/busyboxplus:curl")) {
      assertEquals(0, nslookup(image, "hostnames"), image);
      assertEquals("Server:    " + DNS + "\nAddress 1: " + DNS + " kube-dns.kube-system.svc.cluster.local\n\n"
          + "Name:      hostnames\nAddress 1: 127.96.1.175 hostnames.default.svc.cluster.local\n", out.toString(),
          image);
    }
    assertEquals(1, nslookup("busybox:1.28", "kubernetes.default"));
    assertEquals("nslookup: can't resolve 'kubernetes.default'\n", err.toString());
    assertEquals("Server:    " + DNS + "\nAddress 1: " + DNS + " kube-dns.kube-system.svc.cluster.local\n\n",
        out.toString());
  }

  @Test
  void dnsutilsIsBindsNslookup() throws Exception {
    assertEquals(0, nslookup("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", "hostnames.default"));
    assertEquals("Server:\t\t" + DNS + "\nAddress:\t" + DNS + "#53\n\n"
        + "Name:\thostnames.default.svc.cluster.local\nAddress: 127.96.1.175\n\n", out.toString());
    assertEquals(1, nslookup("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", "nothere"));
    assertEquals("Server:\t\t" + DNS + "\nAddress:\t" + DNS + "#53\n\n** server can't find nothere: NXDOMAIN\n\n",
        out.toString());
    assertEquals(0, nslookup("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", DNS));
    assertEquals("Server:\t\t" + DNS + "\nAddress:\t" + DNS + "#53\n\n"
        + "10.77.96.127.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local.\n\n", out.toString());
  }

  /**
   * A pod whose resolver is the node's ({@code dnsPolicy: Default}, {@code kubectl debug node}'s shell) asks the
   * node's nameserver, and the cluster DNS when named — "Debug Services"' {@code nslookup NAME 10.0.0.10} from a
   * node — where that DNS answers.
   */
  @Test
  void aPodWithTheNodesResolverAsksTheClusterDnsWhenNamed() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", "node-debugger");
    env.put("DEKUBE_DNS_CLUSTER", DNS + ":" + server.localAddress().port());
    assertEquals(0, nslookup(env, "busybox", "hostnames.default.svc.cluster.local", DNS));
    assertEquals("Server:\t\t" + DNS + "\nAddress:\t" + DNS + ":53\n\n"
        + "Name:\thostnames.default.svc.cluster.local\nAddress: 127.96.1.175\n\n", out.toString());
  }

  @Test
  void todaysBusyboxIsUnchanged() throws Exception {
    for (String image : List.of("busybox", "busybox:1.36", "alpine")) {
      assertEquals(0, nslookup(image, "hostnames"), image);
      assertEquals("Server:\t\t" + DNS + "\nAddress:\t" + DNS + ":53\n\n"
          + "Name:\thostnames.default.svc.cluster.local\nAddress: 127.96.1.175\n\n", out.toString(), image);
    }
  }
}
