package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** minikube's echo images: {@code registry.k8s.io/echoserver:1.4}, {@code :1.10} and {@code kicbase/echo-server}. */
class EchoServerTest {

  @TempDir
  Path dir;

  @Test
  void echoserver14PrintsClientAndServerValuesHeadersAndBody() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.4")) {
      t.start("hello-minikube", new ContainerBuilder().withName("echoserver").withImage("k8s.gcr.io/echoserver:1.4")
          .build(), Map.of());
      HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create("http://127.31.7.4:8080/a?b=c"))
          .header("X-Probe", "yes").POST(HttpRequest.BodyPublishers.ofString("hi there")).build());
      assertEquals("nginx/1.10.0", r.headers().firstValue("Server").orElse(""));
      String client = r.body().lines().filter(l -> l.startsWith("client_address=")).findFirst().orElse("");
      assertEquals("CLIENT VALUES:\n" + client + "\ncommand=POST\nreal path=/a?b=c\nquery=b=c\nrequest_version=1.1\n"
          + "request_uri=http://127.31.7.4:8080/a?b=c\n\nSERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\n"
          + "HEADERS RECEIVED:\n", r.body().substring(0, r.body().indexOf("HEADERS RECEIVED:\n") + 18));
      assertTrue(r.body().contains("\nhost=127.31.7.4:8080\n") && r.body().contains("\nx-probe=yes\n"), r.body());
      assertTrue(r.body().endsWith("BODY:\nhi there\n"), r.body());
      assertTrue(t.get(8080, "/").body().contains("\nquery=nil\n"));
      t.awaitLog("echoserver", "\"POST /a?b=c HTTP/1.1\" 200");
    }
  }

  @Test
  void echoserver110PrintsTheHostnameAndThePodInformationOfItsEnvironment() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.5")) {
      t.start("echo-1", new ContainerBuilder().withName("echoserver").withImage("registry.k8s.io/echoserver:1.10")
          .build(), Map.of("HOSTNAME", "echo-1", "POD_NAME", "echo-1", "NODE_NAME", "node-1", "POD_NAMESPACE",
          "default", "POD_IP", "127.31.7.5"));
      String body = t.get(8080, "/x").body();
      assertTrue(body.startsWith("\n\nHostname: echo-1\n\nPod Information:\n\tnode name:\tnode-1\n\tpod name:\techo-1\n"
          + "\tpod namespace:\tdefault\n\tpod IP:\t127.31.7.5\n\nServer values:\n"), body);
      assertTrue(body.contains("\n\treal path=/x\n\tquery=\n\trequest_version=1.1\n\trequest_scheme=http\n"
          + "\trequest_uri=http://127.31.7.5:8080/x\n\nRequest Headers:\n"), body);
      assertTrue(body.endsWith("\nRequest Body:\n\t-no body in request-\n\n"), body);
      assertFalse(EchoServer.newer("1.4"));
      assertTrue(EchoServer.newer("1.10"));
    }
  }

  @Test
  void kicbaseEchoServerPrintsWhoServedItAndTheRequest() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.6")) {
      t.start("hello-minikube-6496f4fd45-hv4l9", new ContainerBuilder().withName("echo-server")
          .withImage("kicbase/echo-server:1.0").build(), Map.of("HOSTNAME", "hello-minikube-6496f4fd45-hv4l9"));
      HttpResponse<String> r = t.send(HttpRequest.newBuilder(URI.create("http://127.31.7.6:8080/hello?x=1"))
          .header("accept", "*/*").header("x-forwarded-for", "1.2.3.4").build());
      List<String> lines = r.body().lines().toList();
      assertEquals(List.of("Request served by hello-minikube-6496f4fd45-hv4l9", "", "HTTP/1.1 GET /hello?x=1", "",
          "Host: 127.31.7.6:8080", "Accept: */*"), lines.subList(0, 6));
      assertTrue(lines.contains("X-Forwarded-For: 1.2.3.4"), r.body());
      assertTrue(r.body().endsWith("\n") && !r.body().endsWith("\n\n"), r.body());
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> t.log("echo-server").matches("(?s)\\S+ stdout F "
          + "Echo server listening on port 8080\\.\n\\S+ stdout F 127[.\\d]+:\\d+ \\| GET /hello\\?x=1\n"));
    }
  }
}
