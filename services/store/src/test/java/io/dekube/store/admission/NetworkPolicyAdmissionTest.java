package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NetworkPolicy defaults and validation as kube's v1 defaults and ValidateNetworkPolicy. */
class NetworkPolicyAdmissionTest {

  private static final String RESOURCE = "networkpolicies.networking.k8s.io";

  private static String policy(String spec) {
    return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: d}\nspec: " + spec;
  }

  @Test
  void theTutorialsPolicyIsAnIngressPolicyOnTcp() {
    ObjectNode np = create(RESOURCE, policy("{podSelector: {matchLabels: {app: nginx}}, ingress: [{from: "
        + "[{podSelector: {matchLabels: {access: 'true'}}}], ports: [{port: 80}]}]}"));
    assertEquals("[\"Ingress\"]", np.at("/spec/policyTypes").toString());
    assertEquals("TCP", np.at("/spec/ingress/0/ports/0/protocol").asText());
  }

  @Test
  void egressRulesAddEgressAndAnEmptySpecSelectsEveryPodForIngress() {
    ObjectNode np = create(RESOURCE, policy("{podSelector: {}, egress: [{ports: [{port: 53, protocol: UDP}]}]}"));
    assertEquals("[\"Ingress\",\"Egress\"]", np.at("/spec/policyTypes").toString());
    assertEquals("UDP", np.at("/spec/egress/0/ports/0/protocol").asText());
    ObjectNode empty = create(RESOURCE, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, "
        + "namespace: d}");
    assertEquals("{}", empty.at("/spec/podSelector").toString());
    assertEquals("[\"Ingress\"]", empty.at("/spec/policyTypes").toString());
    ObjectNode egressOnly = create(RESOURCE, policy("{podSelector: {}, policyTypes: [Egress]}"));
    assertEquals("[\"Egress\"]", egressOnly.at("/spec/policyTypes").toString(), "given policyTypes are kept");
  }

  static Stream<Arguments> invalid() {
    String prefix = "NetworkPolicy.networking.k8s.io \"p\" is invalid: ";
    return Stream.of(
        Arguments.of("{podSelector: {}, ingress: [{ports: [{port: 80, protocol: ICMP}]}]}",
            prefix + "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", "
                + "\"UDP\", \"SCTP\""),
        Arguments.of("{podSelector: {}, ingress: [{ports: [{port: 70000}]}]}",
            prefix + "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        Arguments.of("{podSelector: {}, egress: [{ports: [{port: 90, endPort: 80}]}]}",
            prefix + "spec.egress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`"),
        Arguments.of("{podSelector: {}, egress: [{ports: [{port: http, endPort: 80}]}]}",
            prefix + "spec.egress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is "
                + "non-numeric"),
        Arguments.of("{podSelector: {}, ingress: [{ports: [{endPort: 80}]}]}",
            prefix + "spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is not "
                + "specified"),
        Arguments.of("{podSelector: {}, ingress: [{from: [{}]}]}",
            prefix + "spec.ingress[0].from[0]: Required value: must specify a peer"),
        Arguments.of("{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}",
            prefix + "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"),
        Arguments.of("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0}}]}]}",
            prefix + "spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"10.0.0.0\": must be a valid CIDR value, "
                + "(e.g. 10.9.8.0/24 or 2001:db8::/64)"),
        Arguments.of("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]}",
            prefix + "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict subset "
                + "of `cidr`"),
        Arguments.of("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]}",
            prefix + "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict "
                + "subset of `cidr`"),
        Arguments.of("{podSelector: {}, policyTypes: [Ingress, Sideways]}",
            prefix + "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""),
        Arguments.of("{podSelector: {}, policyTypes: [Ingress, Egress, Ingress]}",
            prefix + "spec.policyTypes: Invalid value: []networking.PolicyType{\"Ingress\", \"Egress\", \"Ingress\"}: "
                + "may not specify more than two policyTypes"),
        Arguments.of("{podSelector: {matchExpressions: [{key: app, operator: In}]}}",
            prefix + "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` "
                + "is 'In' or 'NotIn'"));
  }

  @ParameterizedTest
  @MethodSource
  void invalid(String spec, String message) {
    StatusException e = assertThrows(StatusException.class, () -> create(RESOURCE, policy(spec)));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void ipv6BlocksAndNamedPortsAreValid() {
    create(RESOURCE, policy("{podSelector: {}, egress: [{to: [{ipBlock: {cidr: '::/0', except: ['fd00::/8']}},"
        + " {ipBlock: {cidr: 0.0.0.0/0, except: [127.244.0.0/16]}}], ports: [{port: dns, protocol: UDP},"
        + " {port: 8000, endPort: 9000}]}]}"));
  }
}
