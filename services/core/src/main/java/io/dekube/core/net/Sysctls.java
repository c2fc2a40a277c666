package io.dekube.core.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pod sysctls as Kubernetes 1.32 knows them: the kernel namespace of a name ({@code utilsysctl.GetNamespace}), the
 * safe set every kubelet allows ({@code SafeSysctlAllowlist}), and a kubelet's allow-list — the safe set plus its
 * {@code allowedUnsafeSysctls} — with the kubelet's refusal ({@code pkg/kubelet/sysctl} {@code patternAllowlist}).
 * Pure and immutable; thread-safe.
 */
public final class Sysctls {

  /** The safe sysctls of 1.32, each namespaced; the kubelet allows them on any pod. */
  public static final List<String> SAFE = List.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem");
  /** The kubelet's pattern of an allowed sysctl or prefix ({@code SysctlContainSlashPatternFmt}). */
  public static final String PATTERN = "([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]";

  private final List<String> names;
  private final List<String> prefixes;

  private Sysctls(List<String> names, List<String> prefixes) {
    this.names = names;
    this.prefixes = prefixes;
  }

  /**
   * The allow-list of a kubelet with {@code --allowed-unsafe-sysctls} {@code unsafe} (names, or prefixes ending in
   * {@code *}); IllegalArgumentException, in kube's words, for a malformed one or one not known to be namespaced.
   */
  public static Sysctls allowing(List<String> unsafe) {
    List<String> names = new ArrayList<>(SAFE);
    List<String> prefixes = new ArrayList<>();
    for (String s : unsafe) {
      if (s.length() > 253 || !s.matches(PATTERN)) {
        throw new IllegalArgumentException("sysctl \"" + s + "\" must have at most 253 characters and match regex "
            + PATTERN);
      }
      String n = normalize(s);
      boolean prefix = n.endsWith("*");
      String body = prefix ? n.substring(0, n.length() - 1) : n;
      if (namespace(body).isEmpty()) {
        throw new IllegalArgumentException("the sysctls \"" + body + "\" are not known to be namespaced");
      }
      (prefix ? prefixes : names).add(body);
    }
    return new Sysctls(List.copyOf(names), List.copyOf(prefixes));
  }

  /**
   * Why a pod may not set {@code sysctl} on this node ({@code hostNet}, {@code hostIpc}: the pod shares the node's
   * namespace), as the kubelet's admission says it — {@code "kernel.msgmax" not allowlisted} — or null when it may.
   */
  public String refusal(String sysctl, boolean hostNet, boolean hostIpc) {
    String n = normalize(sysctl);
    boolean allowed = names.contains(n) || prefixes.stream().anyMatch(n::startsWith);
    if (!allowed) {
      return "\"" + n + "\" not allowlisted";
    }
    String ns = namespace(n);
    if ("ipc".equals(ns) && hostIpc || "net".equals(ns) && hostNet) {
      return "\"" + n + "\" not allowed with host " + ns + " enabled";
    }
    return null;
  }

  /** The kernel namespace a sysctl lives in: {@code ipc}, {@code net}, or "" (not known to be namespaced). */
  public static String namespace(String sysctl) {
    String n = normalize(sysctl);
    if (n.equals("kernel.sem") || n.startsWith("kernel.shm") || n.startsWith("kernel.msg")
        || n.startsWith("fs.mqueue.")) {
      return "ipc";
    }
    return n.startsWith("net.") ? "net" : "";
  }

  /**
   * kube's {@code NormalizeName}: a name whose first separator is a slash uses slashes between its parts (a dot
   * belongs to a part, {@code net/ipv4/conf/eth0.100/forwarding}); it is turned into the dotted form.
   */
  public static String normalize(String name) {
    int dot = name.indexOf('.');
    int slash = name.indexOf('/');
    return slash < 0 || dot >= 0 && dot < slash ? name : swapSeparators(name);
  }

  /** The file of a sysctl under {@code /proc/sys} ({@code net.ipv4.tcp_syncookies} → {@code net/ipv4/tcp_syncookies}). */
  public static String procPath(String name) {
    return swapSeparators(normalize(name)).toLowerCase(Locale.ROOT);
  }

  /** Dots become slashes and slashes dots. */
  private static String swapSeparators(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      b.append(c == '.' ? '/' : c == '/' ? '.' : c);
    }
    return b.toString();
  }
}
