package io.dekube.launcher;

import java.util.Arrays;
import java.util.List;

/** The {@code dekube} command: {@code up} and {@code help}. */
public final class DekubeMain {

  static final String HELP = """
      dekube — Kubernetes, deconstructed: every component a Vert.x verticle on a Kafka bus.

      Usage: ./dekube <command> [flags]

      Commands:
        up      start an embedded Kafka broker and every component in this process; Ctrl-C stops
                  --kafka HOST:PORT   use an existing Kafka cluster instead of the embedded broker
                  --kafka-port N      embedded broker port (default 9092)
                  --api-port N        apiserver HTTPS port (default 6443)
                  --ops-port N        /metrics, /healthz, /readyz port (default 10260)
                  --data-dir DIR      state: broker data, PKI, kubeconfig (default .dekube)
                  --writers N         writer verticles in this process (default 1)
        help    this text
      """;

  private DekubeMain() {
  }

  public static void main(String[] args) {
    List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
    String command = args.length == 0 ? "help" : args[0];
    try {
      switch (command) {
        case "up" -> UpCommand.run(UpOptions.parse(rest));
        case "help", "--help", "-h" -> System.out.print(HELP);
        default -> {
          System.err.println("dekube: unknown command \"" + command + "\"\n");
          System.err.print(HELP);
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("dekube: " + e.getMessage());
      System.exit(2);
    }
  }
}
