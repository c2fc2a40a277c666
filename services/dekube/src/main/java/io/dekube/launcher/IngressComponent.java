package io.dekube.launcher;

import io.dekube.apiserver.audit.BusAudit;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.core.pki.ClusterPki;
import io.dekube.ingress.IngressConfig;
import io.dekube.ingress.IngressVerticle;
import io.dekube.ingress.lb.LoadBalancerController;
import java.util.List;

/**
 * The ingress controller (HTTP --ingress-http-port, HTTPS --ingress-https-port; 80/443 too when
 * bindable) and the LoadBalancer controller that gives LoadBalancer Services a pool address. Their writes pass the
 * admission webhooks and ValidatingAdmissionPolicies as the requests of ingress-nginx's service account and of the
 * cloud-controller-manager's service controller would pass kube-apiserver's, and with an audit policy are audited
 * as theirs.
 */
final class IngressComponent implements Component {

  /**
   * The field manager of the ingress controller's writes (an Ingress's status, its IngressClass): ingress-nginx's,
   * as its binary {@code /nginx-ingress-controller} names its User-Agent.
   */
  static final String INGRESS_MANAGER = "nginx-ingress-controller";
  /**
   * The field manager of the LoadBalancer Services' status. Decision: kube's counterpart is the service
   * controller of k8s.io/cloud-provider, which runs in a cloud-controller-manager and writes with its
   * User-Agent; each cloud names its binary its own way ({@code aws-cloud-controller-manager}...), dekube's
   * pool is no cloud, so it takes the framework's generic name.
   */
  static final String LOAD_BALANCER_MANAGER = "cloud-controller-manager";

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--ingress-http-port", "N", "ingress controller HTTP port on 127.0.0.1 (default 8080; 80 too when bindable)"),
        Flag.of("--ingress-https-port", "N", "ingress controller HTTPS port (default 8443; 443 too when bindable)"),
        Flag.of("--lb-pool", "CIDR", "LoadBalancer Service addresses (default " + ClusterNetwork.LB_POOL + ")"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    ClusterPki pki = SharedPki.await(ctx.dataDir(), ctx.flags(), "ingress");
    IngressConfig config = new IngressConfig(ctx.options().bindAddress(), ctx.flags().port("--ingress-http-port", 8080),
        ctx.flags().port("--ingress-https-port", 8443), true, IngressConfig.CONTROLLER, "dekube",
        pki.serving().certificatePem(), pki.serving().keyPem());
    IngressVerticle ingress = new IngressVerticle(config, ctx.registry(), ctx.informersAs(BusAudit.INGRESS_NGINX),
        ctx.storeAs(BusAudit.INGRESS_NGINX, INGRESS_MANAGER));
    ctx.deploy(ingress);
    ctx.deploy(new LoadBalancerController(ctx.flags().string("--lb-pool", ClusterNetwork.LB_POOL),
        ctx.informersAs(BusAudit.SERVICE_CONTROLLER).apply(ctx.registry().byResourceName("services").orElseThrow()),
        ctx.registry().byResourceName("services").orElseThrow(),
        ctx.storeAs(BusAudit.SERVICE_CONTROLLER, LOAD_BALANCER_MANAGER)));
    if (ingress.httpPort() > 0) {
      String host = UpOptions.reachableHost(ctx.flags());
      ctx.announce("ingress http://" + host + ":" + ingress.httpPort()
          + (ingress.httpsPort() > 0 ? " https://" + host + ":" + ingress.httpsPort() : ""));
    }
  }
}
