package io.dekube.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * Flags of {@code dekube up}. Defaults are the fixed addresses of DESIGN.md; tests pass port 0
 * (pick a free port) and a temporary data directory. The launcher's own flags are typed here;
 * each component reads its own from {@link #flags()}.
 *
 * @param kafka     an existing Kafka cluster's bootstrap servers, or null to start the embedded broker
 * @param kafkaPort the embedded broker's port (default 9092)
 * @param apiPort   the apiserver's HTTPS port (default 6443)
 * @param opsPort   the process's /metrics, /healthz, /readyz port (default 10260)
 * @param dataDir   where state lives (default {@code .dekube}): broker data, PKI, kubeconfig
 * @param flags     every flag given, for the components
 */
public record UpOptions(String kafka, int kafkaPort, int apiPort, int opsPort, Path dataDir, Flags flags) {

  /**
   * kube-apiserver's {@code --encryption-provider-config}: every process that reads or writes the store topics
   * (each split {@code store}, {@code apiserver}, controller-manager, scheduler, kubelet...) needs the same file.
   */
  static final Flag ENCRYPTION_FLAG = Flag.of("--encryption-provider-config", "FILE", "apiserver.config.k8s.io/v1 "
      + "EncryptionConfiguration: the resources kept encrypted on their store topics and the providers (aescbc, "
      + "aesgcm, secretbox, kms v2 with its plugin's unix socket, identity); give every process of the cluster the "
      + "same file");

  /**
   * kube-apiserver's {@code --encryption-provider-config-automatic-reload}: every process holding the file polls it
   * (each minute) and uses a valid change without a restart; a bad one is logged and the configuration in use stays.
   */
  /**
   * kube's poll interval of the file (its {@code EncryptionConfigFileChangePollDuration}, one minute); the system
   * property {@code dekube.encryption.reloadPollMs} shortens it for tests, as kube's integration tests do.
   */
  static final java.time.Duration RELOAD_POLL = java.time.Duration.ofMillis(Long.getLong(
      "dekube.encryption.reloadPollMs", 60_000));

  static final Flag ENCRYPTION_RELOAD_FLAG = Flag.toggle("--encryption-provider-config-automatic-reload",
      "reload --encryption-provider-config when the file changes (polled every minute), without a restart");

  /** The launcher's own flags (the components add theirs in {@link Components#flags()}). */
  static final List<Flag> FLAGS = List.of(
      Flag.of("--kafka", "HOST:PORT", "use an existing Kafka cluster instead of the embedded broker"),
      Flag.of("--kafka-port", "N", "embedded broker port (default 9092)"),
      Flag.of("--ops-port", "N", "/metrics, /healthz, /readyz port (default 10260)"),
      Flag.of("--data-dir", "DIR", "state: broker data, PKI, kubeconfig (default .dekube)"),
      Flag.of("--bind-address", "IP", "where the apiserver, the ingress and the ops port listen (default 127.0.0.1; "
          + "0.0.0.0 in a container)"),
      SharedPki.WAIT_FLAG,
      UpOptions.ENCRYPTION_FLAG,
      UpOptions.ENCRYPTION_RELOAD_FLAG);

  /**
   * Installs the encryption at rest of {@code --encryption-provider-config} for this process (none without it), before
   * any writer or informer starts; a file that is not valid stops the start with kube's words.
   */
  static void installEncryption(Flags f) {
    java.util.Optional<String> file = f.raw(ENCRYPTION_FLAG.name());
    boolean reload = f.toggle(ENCRYPTION_RELOAD_FLAG.name());
    if (reload && file.isEmpty()) {
      throw new LaunchException("--encryption-provider-config-automatic-reload must be set with "
          + "--encryption-provider-config"); // kube's validation words
    }
    try {
      if (reload) {
        io.dekube.core.encryption.StoreEncryption.installReloading(Path.of(file.get()), RELOAD_POLL);
      } else {
        io.dekube.core.encryption.StoreEncryption.install(file
            .map(name -> io.dekube.core.encryption.EncryptionConfig.load(Path.of(name)))
            .orElse(io.dekube.core.encryption.EncryptionConfig.NONE));
      }
    } catch (IllegalArgumentException e) {
      throw new LaunchException(e.getMessage());
    }
  }

  /** The defaults of {@code ./dekube up}. */
  public static UpOptions defaults() {
    return from(Flags.none());
  }

  /** Parses {@code --flag value}, {@code --flag=value} and switches; throws IllegalArgumentException on bad input. */
  public static UpOptions parse(List<String> args) {
    return from(Flags.parse(args, Components.flags()));
  }

  /** {@code --bind-address}: where the servers clients reach from outside listen (default 127.0.0.1). */
  String bindAddress() {
    return bindAddress(flags);
  }

  static String bindAddress(Flags f) {
    String ip = f.string("--bind-address", "127.0.0.1");
    if (!ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      throw new IllegalArgumentException("--bind-address needs an IPv4 address such as 0.0.0.0, got " + ip);
    }
    return ip;
  }

  /** Where a client on this host reaches a server bound to {@code --bind-address}: 127.0.0.1 for 0.0.0.0. */
  static String reachableHost(Flags f) {
    String ip = bindAddress(f);
    return ip.equals("0.0.0.0") ? "127.0.0.1" : ip;
  }

  private static UpOptions from(Flags f) {
    bindAddress(f); // checked at once, as the typed flags below
    f.duration(SharedPki.WAIT_FLAG.name(), java.time.Duration.ZERO);
    AuditFlags.options(f, f.raw("--audit-policy-file").isPresent() ? "audit.log" : null);
    ControllerManagerComponent.hpa(f);
    ControllerManagerComponent.nodeLifecycle(f);
    ControllerManagerComponent.terminatedPodGcThreshold(f);
    ServiceAccountFlags.options(f);
    ApiServerComponent.aggregatorRouting(f);
    return new UpOptions(f.raw("--kafka").orElse(null), f.port("--kafka-port", 9092), f.port("--api-port", 6443),
        f.port("--ops-port", 10260), f.path("--data-dir", Path.of(".dekube")), f);
  }
}
