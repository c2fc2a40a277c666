package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Locale;

/**
 * The capability sets a container's processes get, as containerd sets them from the container's
 * {@code securityContext}, and the lines {@code /proc/<pid>/status} shows of them ({@code grep Cap /proc/$$/status}
 * of "Debug Running Pods"' sysadmin profile). The bounding set: every capability of the kernel when
 * {@code privileged}, else containerd's default set with {@code capabilities.add} added and {@code drop} taken
 * away ({@code ALL} in either: every one); root's processes have it as their permitted and effective sets, other
 * users' have none; the inheritable and ambient sets are empty. Pure.
 */
final class Capabilities {

  /** The kernel's capabilities in bit order (Linux 6.x: 41, up to CAP_CHECKPOINT_RESTORE). */
  static final List<String> NAMES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
      "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
      "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN",
      "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
      "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
      "PERFMON", "BPF", "CHECKPOINT_RESTORE");
  static final long ALL = (1L << NAMES.size()) - 1;
  /** containerd's default set (oci.defaultUnixCaps). */
  static final long DEFAULT = bits(List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
      "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"));

  private Capabilities() {
  }

  /** The bounding set of a container with {@code sc} (null: none). */
  static long bounding(SecurityContext sc) {
    if (sc == null) {
      return DEFAULT;
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      return ALL;
    }
    long set = DEFAULT;
    var caps = sc.getCapabilities();
    if (caps != null) {
      set &= ~bits(caps.getDrop());
      set |= bits(caps.getAdd());
    }
    return set;
  }

  /** The {@code Cap*} lines of {@code /proc/<pid>/status} for a process of user {@code uid} under {@code bounding}. */
  static String statusLines(long bounding, long uid) {
    long held = uid == 0 ? bounding : 0;
    return "CapInh:\t" + hex(0) + "\nCapPrm:\t" + hex(held) + "\nCapEff:\t" + hex(held) + "\nCapBnd:\t" + hex(bounding)
        + "\nCapAmb:\t" + hex(0) + "\n";
  }

  private static String hex(long set) {
    return String.format(Locale.ROOT, "%016x", set);
  }

  private static long bits(List<String> names) {
    long set = 0;
    for (String n : names == null ? List.<String>of() : names) {
      String name = n.toUpperCase(Locale.ROOT);
      name = name.startsWith("CAP_") ? name.substring(4) : name;
      int bit = NAMES.indexOf(name);
      set |= name.equals("ALL") ? ALL : bit >= 0 ? 1L << bit : 0;
    }
    return set;
  }
}
