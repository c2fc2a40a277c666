package io.dekube.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SysctlsTest {

  @Test
  void theSafeSetPassesAnUnsafeOneOnlyWhenAllowed() {
    Sysctls none = Sysctls.allowing(List.of());
    assertNull(none.refusal("kernel.shm_rmid_forced", false, false));
    assertNull(none.refusal("net.ipv4.tcp_rmem", false, false));
    assertEquals("\"net.core.somaxconn\" not allowlisted", none.refusal("net.core.somaxconn", false, false));
    Sysctls some = Sysctls.allowing(List.of("kernel.msg*", "net.core.somaxconn"));
    assertNull(some.refusal("kernel.msgmax", false, false));
    assertNull(some.refusal("net/core/somaxconn", false, false));
    assertEquals("\"net.core.somaxconn\" not allowed with host net enabled", some.refusal("net.core.somaxconn", true,
        false));
    assertEquals("\"kernel.msgmax\" not allowed with host ipc enabled", some.refusal("kernel.msgmax", false, true));
  }

  @Test
  void aKubeletRefusesBadPatterns() {
    assertEquals("the sysctls \"vm.swappiness\" are not known to be namespaced", assertThrows(
        IllegalArgumentException.class, () -> Sysctls.allowing(List.of("vm.swappiness"))).getMessage());
    assertEquals("sysctl \"Kernel.msg*\" must have at most 253 characters and match regex " + Sysctls.PATTERN,
        assertThrows(IllegalArgumentException.class, () -> Sysctls.allowing(List.of("Kernel.msg*"))).getMessage());
  }

  @Test
  void namesAndFiles() {
    assertEquals("net.ipv4.conf.eth0/100.forwarding", Sysctls.normalize("net/ipv4/conf/eth0.100/forwarding"));
    assertEquals("net/ipv4/conf/eth0.100/forwarding", Sysctls.procPath("net/ipv4/conf/eth0.100/forwarding"));
    assertEquals("kernel/shm_rmid_forced", Sysctls.procPath("kernel.shm_rmid_forced"));
    assertEquals("ipc", Sysctls.namespace("fs.mqueue.msg_max"));
    assertEquals("net", Sysctls.namespace("net.core.somaxconn"));
    assertEquals("", Sysctls.namespace("kernel.pid_max"));
  }
}
