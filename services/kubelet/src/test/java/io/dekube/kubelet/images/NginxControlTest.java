package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nginx -s quit} and its kin, as the lifecycle page's preStop hook runs them in an nginx container. */
class NginxControlTest {

  @TempDir
  Path dir;

  @Test
  void theLifecyclePagesPreStopQuitsNginxGracefullyAndTheContainerEndsWithZero() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.11.2")) {
      t.start("lifecycle-demo", new ContainerBuilder().withName("lifecycle-demo-container").withImage("nginx:1.25")
          .build(), Map.of());
      assertEquals(200, t.get(80, "/").statusCode());
      assertEquals("\u0000nginx version: nginx/1.25\n", t.exec("nginx", "-v"));
      assertEquals("\u0000nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
          + "nginx: configuration file /etc/nginx/nginx.conf test is successful\n", t.exec("/usr/sbin/nginx", "-t"));
      assertTrue(t.exec("nginx").contains("nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"));
      // preStop: exec: command: ["/bin/sh", "-c", "nginx -s quit; while killall -0 nginx; do sleep 1; done"]
      String hook = t.exec("/bin/sh", "-c", "nginx -s quit; while killall -0 nginx; do sleep 1; done");
      assertTrue(hook.matches("(?s)\u0000\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\[notice] 45#45: signal process started\n"
          + "sh: killall: not found\n"), hook);
      assertEquals(0, t.exitCode(), "nginx's master exits with 0 after a graceful quit");
      String log = t.log("lifecycle-demo-container");
      assertTrue(log.contains("[notice] 1#1: signal 3 (SIGQUIT) received from 45, gracefully shutting down")
          && log.endsWith("[notice] 1#1: exit\n"), log);
    }
  }
}
