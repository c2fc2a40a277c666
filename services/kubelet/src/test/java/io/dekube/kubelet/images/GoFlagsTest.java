package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the images' Go programs read their command lines, and how a runtime builds those from the pod. */
class GoFlagsTest {

  private static final Set<String> VALUED = Set.of("text", "listen", "http-port");
  private static final Set<String> BOOLS = Set.of("tcp", "version");

  @Test
  void goFlagPackageTakesEverySpellingAndStopsAtTheFirstArgument() {
    GoFlags f = GoFlags.std(List.of("-text=a", "--listen", ":8080", "-version", "rest", "-tcp"), VALUED, BOOLS);
    assertNull(f.error());
    assertEquals(Map.of("text", "a", "listen", ":8080", "version", "true"), f.values());
    assertEquals(List.of("rest", "-tcp"), f.positional());
    assertEquals("flag needs an argument: -text", GoFlags.std(List.of("-text"), VALUED, BOOLS).error());
    assertEquals("false", GoFlags.std(List.of("-tcp=false"), VALUED, BOOLS).get("tcp", "true"));
  }

  @Test
  void cobraTakesLongFlagsBetweenArgumentsAndNamesAnUnknownOne() {
    GoFlags f = GoFlags.pflag(List.of("a", "--http-port", "8083", "b", "--tcp", "--", "--text"), VALUED, BOOLS);
    assertNull(f.error());
    assertEquals(Map.of("http-port", "8083", "tcp", "true"), f.values());
    assertEquals(List.of("a", "b", "--text"), f.positional());
    assertEquals("unknown flag: --port", GoFlags.pflag(List.of("--port=1"), VALUED, BOOLS).error());
    assertEquals("flag provided but not defined: -port", GoFlags.std(List.of("-port=1"), VALUED, BOOLS).error());
  }

  @Test
  void commandReplacesTheEntrypointAndDropsCmdArgsReplaceCmd() {
    List<String> entry = List.of("/agnhost");
    List<String> cmd = List.of("pause");
    assertEquals(List.of("/agnhost", "pause"), ImageArgs.argv(new ContainerBuilder().build(), entry, cmd));
    assertEquals(List.of("/agnhost", "netexec"), ImageArgs.argv(new ContainerBuilder().withArgs("netexec").build(),
        entry, cmd));
    assertEquals(List.of("/agnhost"), ImageArgs.argv(new ContainerBuilder().withCommand("/agnhost").build(), entry,
        cmd));
    assertEquals(List.of("/agnhost-2", "liveness"), ImageArgs.argv(new ContainerBuilder().withCommand("/agnhost-2")
        .withArgs("liveness").build(), entry, cmd));
  }
}
