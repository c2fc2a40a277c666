package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks of the dekube commands a deployment file runs (docker-compose.yml, the Kubernetes manifests):
 * the launcher's own parsing, and ports and addresses distinct among processes of one network namespace.
 */
final class LauncherCommands {

  /** What a stack must run: every component that runs alone (a new one belongs in the stacks too), and kubelets. */
  static final Set<String> COMPONENTS = java.util.stream.Stream.concat(
      DekubeMain.ALONE.stream().map(DekubeMain.Alone::command), java.util.stream.Stream.of("kubelet"))
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

  private LauncherCommands() {
  }

  /** The value of {@code --name value} in a command, or null. */
  static String flag(List<String> command, String name) {
    int i = command.indexOf(name);
    return i < 0 || i + 1 >= command.size() ? null : command.get(i + 1);
  }

  /**
   * Each command (by service or container name) parses as {@code ./dekube} parses it, all components run,
   * and no two use one port or node IP.
   */
  static void check(Map<String, List<String>> commands) {
    assertEquals(COMPONENTS, Set.copyOf(commands.values().stream().map(c -> c.get(0)).toList()),
        "every component runs: " + commands);
    Map<String, String> used = new LinkedHashMap<>();
    commands.forEach((name, command) -> {
      try {
        DekubeMain.check(command);
      } catch (IllegalArgumentException e) {
        fail(name + ": ./dekube " + String.join(" ", command) + ": " + e.getMessage());
      }
      for (String f : List.of("--ops-port", "--api-port", "--dns-port", "--ingress-http-port", "--ingress-https-port",
          "--metrics-server-port", "--node-ip")) {
        String v = flag(command, f);
        if (v != null) {
          String before = used.put(f.equals("--node-ip") ? v : "port " + v, name);
          assertEquals(null, before, name + " and " + before + " both use " + f + " " + v);
        }
      }
    });
  }
}
