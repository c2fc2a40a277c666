package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pod's dnsConfig checked as kube 1.32's validatePodDNSConfig ("Pod's DNS Config" of "DNS for Services and Pods"),
 * with RelaxedDNSSearchValidation off: a search domain with '_' or a lone '.' is refused.
 */
class PodDnsConfigValidationTest {

  static String pod(String dns) {
    return "kind: Pod\nmetadata: {name: dns-example, namespace: d}\nspec:\n  containers: [{name: test, image: nginx}]\n"
        + dns;
  }

  /** (the spec's DNS fields, the 422's message after "is invalid: ", or null when accepted). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("  dnsPolicy: None\n  dnsConfig:\n    nameservers: [192.0.2.1]\n"
            + "    searches: [ns1.svc.cluster-domain.example, my.dns.search.suffix.]\n"
            + "    options: [{name: ndots, value: '2'}, {name: edns0}]\n", null),
        Arguments.of("  dnsConfig: {nameservers: ['2001:db8::ffff', 010.9.8.7]}\n", null),
        Arguments.of("  dnsPolicy: None\n",
            "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"),
        Arguments.of("  dnsPolicy: None\n  dnsConfig: {searches: [a.example]}\n",
            "spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"),
        Arguments.of("  dnsConfig: {nameservers: [1.2.3.4, 5.6.7.8, 9.8.0.1, 2.3.4.5]}\n",
            "spec.dnsConfig.nameservers: Invalid value: []string{\"1.2.3.4\", \"5.6.7.8\", \"9.8.0.1\", \"2.3.4.5\"}: "
                + "must not have more than 3 nameservers"),
        Arguments.of("  dnsConfig: {nameservers: [1.2.3.c, 'fe80::1%eth0']}\n",
            "[spec.dnsConfig.nameservers[0]: Invalid value: \"1.2.3.c\": must be a valid IP address, (e.g. 10.9.8.7 or "
                + "2001:db8::ffff), spec.dnsConfig.nameservers[1]: Invalid value: \"fe80::1%eth0\": must be a valid IP "
                + "address, (e.g. 10.9.8.7 or 2001:db8::ffff)]"),
        Arguments.of("  dnsConfig: {searches: [my_domain.example]}\n",
            "spec.dnsConfig.searches[0]: Invalid value: \"my_domain.example\": a lowercase RFC 1123 subdomain must "
                + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        Arguments.of("  dnsConfig: {options: [{value: '2'}]}\n",
            "spec.dnsConfig.options[0]: Required value: must not be empty"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void dnsConfigIsCheckedAsKube132(String dns, String message) {
    ObjectNode pod = yaml(pod(dns));
    if (message == null) {
      assertEquals("test", ADMISSION.admit(type("pods"), Verb.CREATE, pod, null).at("/spec/containers/0/name").asText());
      return;
    }
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("pods"), Verb.CREATE, pod, null));
    assertEquals("Pod \"dns-example\" is invalid: " + message, e.getMessage());
  }
}
