package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user, group and supplementary groups a container's processes get from the securityContexts. */
class ProcessUserTest {

  private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
  private static final String GROUP = "root:x:0:\nwheel:x:10:root\nnobody:x:65534:\n";

  private static ProcessUser user(PodSecurityContext pod, Long containerUser) {
    var c = new ContainerBuilder().withName("c").withImage("busybox");
    if (containerUser != null) {
      c.withSecurityContext(new SecurityContextBuilder().withRunAsUser(containerUser).build());
    }
    ContainerSpec spec = new ContainerSpec("d", "p", "u", "n", "127.0.0.1", c.build(), Map.of(), Path.of("0.log"),
        Path.of("."), Map.of(), "id", null, new io.fabric8.kubernetes.api.model.PodSpecBuilder().withSecurityContext(pod)
        .build());
    return ProcessUser.of(spec, PASSWD, GROUP);
  }

  @Test
  void eachCaseAsBusyboxsIdPrintsIt() {
    assertEquals("uid=0(root) gid=0(root) groups=0(root),10(wheel)", user(null, null).id());
    assertEquals("uid=1000 gid=3000 groups=2000,3000,4000", user(new PodSecurityContextBuilder().withRunAsUser(1000L)
        .withRunAsGroup(3000L).withFsGroup(2000L).withSupplementalGroups(4000L).build(), null).id());
    assertEquals("uid=1000 gid=0(root) groups=0(root),2000", user(new PodSecurityContextBuilder().withRunAsUser(1000L)
        .withFsGroup(2000L).build(), null).id());
    ProcessUser overridden = user(new PodSecurityContextBuilder().withRunAsUser(1000L).build(), 65534L);
    assertEquals("uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)", overridden.id());
    assertEquals("nobody", overridden.name());
  }
}
