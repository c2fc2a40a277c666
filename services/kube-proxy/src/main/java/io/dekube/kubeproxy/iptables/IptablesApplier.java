package io.dekube.kubeproxy.iptables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies rendered rules with {@code iptables-restore --noflush} (blocking: call from a worker),
 * as kube-proxy does: the jumps from the built-in chains into KUBE-SERVICES, KUBE-POSTROUTING and
 * KUBE-FORWARD are ensured once, chains that no longer exist are flushed and deleted. An optional
 * command prefix ({@code ip netns exec NAME}) runs everything in another network namespace.
 */
public final class IptablesApplier {

  private static final Logger LOG = LoggerFactory.getLogger(IptablesApplier.class);

  /** The jumps kube-proxy installs into the built-in chains: table, chain, rule spec. */
  private static final List<String[]> JUMPS = List.of(
      new String[] {"nat", "PREROUTING", "-m comment --comment kubernetes-service-portals -j KUBE-SERVICES"},
      new String[] {"nat", "OUTPUT", "-m comment --comment kubernetes-service-portals -j KUBE-SERVICES"},
      new String[] {"nat", "POSTROUTING", "-m comment --comment kubernetes-postrouting-rules -j KUBE-POSTROUTING"},
      new String[] {"filter", "FORWARD", "-m comment --comment kubernetes-forwarding-rules -j KUBE-FORWARD"},
      new String[] {"filter", "FORWARD", "-m conntrack --ctstate NEW -m comment --comment kubernetes-service-portals"
          + " -j KUBE-SERVICES"},
      new String[] {"filter", "OUTPUT", "-m conntrack --ctstate NEW -m comment --comment kubernetes-service-portals"
          + " -j KUBE-SERVICES"},
      new String[] {"filter", "INPUT", "-m conntrack --ctstate NEW -m comment --comment kubernetes-externally-visible"
          + " -j KUBE-EXTERNAL-SERVICES"});

  private final List<String> prefix;
  private Set<String> previousNatChains = Set.of();
  private boolean jumpsEnsured;

  public IptablesApplier(List<String> commandPrefix) {
    this.prefix = List.copyOf(commandPrefix);
  }

  /** Whether iptables-restore can be run here (root and the command on the PATH). */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name")) && onPath("iptables-restore") && onPath("iptables");
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", command)) || Files.isExecutable(Path.of("/sbin", command));
  }

  /** Applies the rules (blocking). */
  public synchronized void apply(String rules) throws IOException, InterruptedException {
    if (!jumpsEnsured) {
      ensureJumps();
      jumpsEnsured = true;
    }
    Set<String> chains = natChains(rules);
    StringBuilder stale = new StringBuilder();
    for (String c : previousNatChains) {
      if (!chains.contains(c)) {
        stale.append(':').append(c).append(" - [0:0]\n").append("-X ").append(c).append('\n');
      }
    }
    String input = stale.isEmpty() ? rules : insertBeforeLastCommit(rules, stale.toString());
    run(List.of("iptables-restore", "--noflush"), input);
    previousNatChains = chains;
  }

  private static String insertBeforeLastCommit(String rules, String lines) {
    int i = rules.lastIndexOf("COMMIT\n");
    return rules.substring(0, i) + lines + rules.substring(i);
  }

  static Set<String> natChains(String rules) {
    Set<String> out = new LinkedHashSet<>();
    boolean nat = false;
    for (String line : rules.split("\n")) {
      if (line.startsWith("*")) {
        nat = line.equals("*nat");
      } else if (nat && line.startsWith(":")) {
        out.add(line.substring(1, line.indexOf(' ')));
      }
    }
    return out;
  }

  private void ensureJumps() throws IOException, InterruptedException {
    // the KUBE-* chains must exist before a built-in chain may jump to them
    run(List.of("iptables-restore", "--noflush"), "*filter\n:KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n"
        + ":KUBE-FORWARD - [0:0]\n:KUBE-NODEPORTS - [0:0]\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n"
        + ":KUBE-POSTROUTING - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\nCOMMIT\n");
    for (String[] j : JUMPS) {
      List<String> spec = List.of(j[2].split(" "));
      List<String> check = new ArrayList<>(List.of("iptables", "-w", "-t", j[0], "-C", j[1]));
      check.addAll(spec);
      if (exec(check, null) != 0) {
        List<String> insert = new ArrayList<>(List.of("iptables", "-w", "-t", j[0], "-I", j[1]));
        insert.addAll(spec);
        run(insert, null);
      }
    }
  }

  private void run(List<String> command, String stdin) throws IOException, InterruptedException {
    int rc = exec(command, stdin);
    if (rc != 0) {
      throw new IOException(String.join(" ", command) + " exited " + rc);
    }
  }

  private int exec(List<String> command, String stdin) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", full) + " timed out");
    }
    if (p.exitValue() != 0 && !command.contains("-C")) {
      LOG.warn("{} exited {}: {}", String.join(" ", full), p.exitValue(), out.strip());
    }
    return p.exitValue();
  }
}
