package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grep Cap /proc/$$/status} in a container: "Debug Running Pods"' sysadmin profile makes the ephemeral
 * container privileged ({@code CapPrm: 000001ffffffffff}); containerd's default set otherwise, changed by
 * {@code capabilities}, none held by a user other than root.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class CapabilitiesTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private String capLines(SecurityContext sc) throws Exception {
    ContainerSpec spec = new ContainerSpec("default", "myapp", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("debugger").withImage("busybox:1.28").withSecurityContext(sc).build(),
        Map.of(), dir.resolve("c/0.log"), dir.resolve("root"), Map.of(), "id");
    JvmContainer c = new JvmContainer(vertx, spec, "busybox", TrafficPolicy.OPEN);
    output.clear();
    c.exec(List.of("sh", "-c", "grep Cap /proc/$$/status"), output).exitCode().toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return output.out.toString();
  }

  @Test
  void theSysadminProfilesPrivilegedContainerHoldsEveryCapability() throws Exception {
    assertEquals("CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
        + "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n",
        capLines(new SecurityContextBuilder().withPrivileged(true).build()));
  }

  @Test
  void aContainerHasContainerdsDefaultsAndWhatItAdds() throws Exception {
    assertEquals("CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"
        + "CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n", capLines(null));
    // the custom profile's NET_ADMIN (bit 12) and SYS_TIME (25) added
    assertEquals("CapPrm:\t00000000aa0435fb", capLines(new SecurityContextBuilder().withNewCapabilities()
        .withAdd("NET_ADMIN", "SYS_TIME").endCapabilities().build()).lines().toList().get(1));
    // the restricted profile: ALL dropped
    assertEquals("CapBnd:\t0000000000000000", capLines(new SecurityContextBuilder().withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities().build()).lines().toList().get(3));
  }

  @Test
  void theDebuggersOwnShellIsDollarDollarBesideItsTarget() throws Exception {
    // kubectl debug -it myapp --image=busybox:1.28 --target=myapp --profile=sysadmin; grep Cap /proc/$$/status
    var debugger = new ContainerBuilder().withName("debugger-6kg4x").withImage("busybox:1.28")
        .withSecurityContext(new SecurityContextBuilder().withPrivileged(true).build()).build();
    var pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .addNewContainer().withName("myapp").withImage("busybox:1.28").withArgs("sleep", "1d").endContainer()
        .addNewEphemeralContainer().withName("debugger-6kg4x").withImage("busybox:1.28")
        .withTargetContainerName("myapp").withSecurityContext(debugger.getSecurityContext()).endEphemeralContainer()
        .build();
    ContainerSpec spec = new ContainerSpec("default", "myapp", "u", "n", "127.0.0.1", debugger, Map.of(),
        dir.resolve("c/0.log"), dir.resolve("root"), Map.of(), "id", null, pod);
    JvmContainer c = new JvmContainer(vertx, spec, "busybox", TrafficPolicy.OPEN);
    output.clear();
    c.exec(List.of("sh", "-c", "echo $$; grep CapEff /proc/$$/status"), output).exitCode().toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("7\nCapEff:\t000001ffffffffff\n", output.out.toString()); // the target's sleep is 1
  }

  @Test
  void aUserOtherThanRootHoldsNone() throws Exception {
    List<String> lines = capLines(new SecurityContextBuilder().withRunAsUser(1000L).build()).lines().toList();
    assertEquals(List.of("CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t00000000a80425fb"),
        lines.subList(1, 4));
  }
}
