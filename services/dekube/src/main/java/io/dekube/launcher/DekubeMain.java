package io.dekube.launcher;

import java.util.Arrays;
import java.util.List;

/** The {@code dekube} command: {@code up}, the single components, {@code kubelet}, {@code help}... */
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
        """ + alone() + """
          proxy-rules  print the iptables-restore input kube-proxy's iptables mode writes for the
                  cluster at --kafka (default 127.0.0.1:--kafka-port)
          kubelet run one node in this process against a running cluster; Ctrl-C stops it
        """ + lines(KubeletCommand.FLAGS) + """
          node    stop|start NAME: stop or restart an in-process node of a running up; node list
        """ + lines(NodeCommand.FLAGS) + """
          ingest  FILE...: apply each file's YAML/JSON documents through dekube.ingest (as
                  kubectl apply --server-side) and print what happened to each
        """ + lines(IngestCommand.FLAGS) + """
          store-get /registry/<resource>/[<namespace>/]<name>: print an object's store record as it
                  lies on its Kafka topic (dekube's etcdctl get; | hexdump -C shows encryption at rest)
        """ + lines(StoreGetCommand.FLAGS) + """
          help    this text
        """;
  }

  /** A component that runs alone: {@code ./dekube <command> --kafka HOST:PORT [flags of up]}. */
  record Alone(String command, java.util.function.Supplier<Component> component, String help) {
  }

  /** The single-component commands, each one component of {@link Components#ALL} in its own process. */
  static final List<Alone> ALONE = List.of(
      new Alone("store", StoreComponent::new, "the store (the writers)"),
      new Alone("apiserver", ApiServerComponent::new, "the apiserver (several may share one store; give them one "
          + "--data-dir for the PKI, each its own --api-port and --ops-port)"),
      new Alone("scheduler", SchedulerComponent::new, "the scheduler"),
      new Alone("controller-manager", ControllerManagerComponent::new, "the controllers"),
      new Alone("kube-proxy", KubeProxyComponent::new, "kube-proxy for every node, in this process's network"),
      new Alone("dns", DnsComponent::new, "the cluster DNS"),
      new Alone("ingress", IngressComponent::new, "the ingress controller and the LoadBalancer IPs"),
      new Alone("metrics-server", MetricsServerComponent::new, "the metrics server behind kubectl top"));

  private static String alone() {
    StringBuilder b = new StringBuilder();
    for (Alone a : ALONE) {
      b.append(String.format("  %s%s only %s%n", a.command(), " ".repeat(Math.max(1, 8 - a.command().length())),
          a.help()));
    }
    return b + """
                  each of these runs alone against --kafka HOST:PORT and takes the flags of up; the
                  components after the apiserver wait for its PKI in the shared --data-dir (--pki-wait);
                  each serves /metrics, /healthz, /readyz on its own --ops-port
        """;
  }

  static java.util.Optional<Alone> alone(String command) {
    return ALONE.stream().filter(a -> a.command().equals(command)).findFirst();
  }

  /**
   * Parses a command line as {@link #main} would, without running it: IllegalArgumentException for an
   * unknown command or a flag the command does not take (the compose file's commands are checked so).
   */
  static void check(List<String> args) {
    String command = args.isEmpty() ? "help" : args.get(0);
    List<String> rest = args.subList(Math.min(1, args.size()), args.size());
    java.util.Optional<Alone> alone = alone(command);
    if (alone.isPresent()) {
      requireKafka(UpOptions.parse(rest), command);
    } else if (command.equals("up")) {
      UpOptions.parse(rest);
    } else if (command.equals("kubelet")) {
      KubeletCommand.parse(Flags.parse(rest, KubeletCommand.FLAGS));
    } else {
      throw new IllegalArgumentException("not a command that runs a component: " + command);
    }
  }

  private static UpOptions requireKafka(UpOptions options, String command) {
    if (options.kafka() == null) {
      throw new IllegalArgumentException(command + " needs --kafka HOST:PORT (the broker of the cluster)");
    }
    return options;
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
        case "proxy-rules" -> ProxyRulesCommand.run(UpOptions.parse(rest));
        case "kubelet" -> KubeletCommand.run(rest);
        case "node" -> System.exit(NodeCommand.run(rest));
        case "ingest" -> System.exit(IngestCommand.run(rest));
        case "store-get" -> System.exit(StoreGetCommand.run(rest, System.out));
        case "help", "--help", "-h" -> System.out.print(help());
        default -> {
          java.util.Optional<Alone> alone = alone(command);
          if (alone.isPresent()) {
            UpCommand.runOne(requireKafka(UpOptions.parse(rest), command), command, alone.get().component().get());
            return;
          }
          System.err.println("dekube: unknown command \"" + command + "\"\n");
          System.err.print(help());
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("dekube: " + e.getMessage());
      System.exit(2);
    } catch (LaunchException e) {
      System.err.println("dekube: " + command + " failed: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("dekube: " + command + " failed: " + e);
      System.exit(1);
    }
  }
}
