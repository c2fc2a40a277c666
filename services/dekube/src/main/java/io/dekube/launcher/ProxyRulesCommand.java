package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.net.ServiceWatch;
import io.dekube.kubeproxy.iptables.IptablesRules;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * {@code ./dekube proxy-rules}: reads the Services and endpoints of a running cluster from its bus
 * and prints the iptables-restore input kube-proxy's iptables mode would apply.
 */
final class ProxyRulesCommand {

  private ProxyRulesCommand() {
  }

  static void run(UpOptions options) {
    String bootstrap = options.kafka() != null ? options.kafka() : "127.0.0.1:" + options.kafkaPort();
    String node = options.flags().string("--node-name", "");
    String cidr = options.flags().string("--proxy-cluster-cidr", "127.244.0.0/16");
    Vertx vertx = Vertx.vertx();
    try {
      ResourceRegistry registry = ResourceRegistry.builtIn();
      SharedInformers informers = SharedInformers.of(vertx);
      Promise<List<io.dekube.core.net.ServicePort>> first = Promise.promise();
      vertx.runOnContext(v -> ServiceWatch.start(vertx, registry, t -> informers.informer(bootstrap, t),
          view -> first.tryComplete(view.ports())).onFailure(first::tryFail));
      List<io.dekube.core.net.ServicePort> ports = Cluster.await(first.future());
      System.out.print(IptablesRules.render(ports, new IptablesRules.Node(node, cidr)));
    } catch (Exception e) {
      System.err.println("dekube proxy-rules: cannot read the cluster at " + bootstrap + ": " + e);
      System.exit(1);
    } finally {
      vertx.close();
    }
  }
}
