package io.dekube.launcher;

import java.util.Arrays;
import java.util.List;

/** The {@code dekube} command: {@code up} and {@code help}. */
public final class DekubeMain {

  static String help() {
    StringBuilder flags = new StringBuilder();
    Components.flags().forEach(f -> flags.append(f.helpLine()));
    return """
        dekube — Kubernetes, deconstructed: every component a Vert.x verticle on a Kafka bus.

        Usage: ./dekube <command> [flags]

        Commands:
          up      start an embedded Kafka broker and every component in this process; Ctrl-C stops
        """ + flags + """
          store   only the store (the writers) against --kafka HOST:PORT; flags of up apply
          apiserver  only the apiserver against --kafka HOST:PORT (several may share one store;
                  give them one --data-dir for the PKI, each its own --api-port and --ops-port)
          proxy-rules  print the iptables-restore input kube-proxy's iptables mode writes for the
                  cluster at --kafka (default 127.0.0.1:--kafka-port)
          kubelet run one node in this process against a running cluster; Ctrl-C stops it
        """ + lines(KubeletCommand.FLAGS) + """
          node    stop|start NAME: stop or restart an in-process node of a running up; node list
        """ + lines(NodeCommand.FLAGS) + """
          ingest  FILE...: apply each file's YAML/JSON documents through dekube.ingest (as
                  kubectl apply --server-side) and print what happened to each
        """ + lines(IngestCommand.FLAGS) + """
          help    this text
        """;
  }

  private static String lines(java.util.List<Flag> flags) {
    StringBuilder b = new StringBuilder();
    flags.forEach(f -> b.append(f.helpLine()));
    return b.toString();
  }

  private DekubeMain() {
  }

  public static void main(String[] args) {
    List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
    String command = args.length == 0 ? "help" : args[0];
    try {
      switch (command) {
        case "up" -> UpCommand.run(UpOptions.parse(rest));
        case "store" -> UpCommand.runOne(UpOptions.parse(rest), "store", new StoreComponent());
        case "apiserver" -> UpCommand.runOne(UpOptions.parse(rest), "apiserver", new ApiServerComponent());
        case "proxy-rules" -> ProxyRulesCommand.run(UpOptions.parse(rest));
        case "kubelet" -> KubeletCommand.run(rest);
        case "node" -> System.exit(NodeCommand.run(rest));
        case "ingest" -> System.exit(IngestCommand.run(rest));
        case "help", "--help", "-h" -> System.out.print(help());
        default -> {
          System.err.println("dekube: unknown command \"" + command + "\"\n");
          System.err.print(help());
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("dekube: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("dekube: " + command + " failed: " + e);
      System.exit(1);
    }
  }
}
