package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Using sysctls in a Kubernetes Cluster": the pod's {@code securityContext.sysctls} as its containers read them
 * ({@code sysctl}, {@code cat /proc/sys/...}), read-only as in a container.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class SysctlAppletTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) {
    this.vertx = vertx;
  }

  private int run(String script) throws Exception {
    var container = new ContainerBuilder().withName("c").withImage("busybox:1.28").build();
    var pod = new PodSpecBuilder().addToContainers(container).withNewSecurityContext()
        .addNewSysctl().withName("kernel.shm_rmid_forced").withValue("0").endSysctl()
        .addNewSysctl().withName("net.core.somaxconn").withValue("1024").endSysctl()
        .addNewSysctl().withName("net/ipv4/ip_local_port_range").withValue("1024 65535").endSysctl()
        .endSecurityContext().build();
    ContainerSpec spec = new ContainerSpec("default", "sysctl-example", "u", "n", "127.0.0.1", container, Map.of(),
        dir.resolve("c/0.log"), dir.resolve("root"), Map.of(), "id", null, pod);
    JvmContainer c = new JvmContainer(vertx, spec, "busybox", TrafficPolicy.OPEN);
    output.clear();
    return c.exec(List.of("sh", "-c", script), output).exitCode().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePodsValuesAreTheContainers() throws Exception {
    assertEquals(0, run("sysctl kernel.shm_rmid_forced net.core.somaxconn; sysctl -n net.ipv4.ip_local_port_range;"
        + " cat /proc/sys/net/core/somaxconn"));
    assertEquals("kernel.shm_rmid_forced = 0\nnet.core.somaxconn = 1024\n1024\t65535\n1024\n", output.out.toString());
  }

  @Test
  void unknownKeysAndWritesFail() throws Exception {
    assertEquals(1, run("sysctl kernel.no_such_thing"));
    assertEquals("sysctl: error: 'kernel.no_such_thing' is an unknown key\n", output.err.toString());
    assertEquals(1, run("sysctl -w net.core.somaxconn=4096"));
    assertEquals("sysctl: error setting key 'net.core.somaxconn': Read-only file system\n", output.err.toString());
  }

  @Test
  void allListsThePodsOnes() throws Exception {
    assertEquals(0, run("sysctl -a | grep -e somaxconn -e shm_rmid"));
    assertEquals("kernel.shm_rmid_forced = 0\nnet.core.somaxconn = 1024\n", output.out.toString());
  }
}
