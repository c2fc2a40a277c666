package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "Using sysctls": kube's validateSysctls and ValidateHostSysctl through the store's admission. */
class SysctlValidationTest {

  private static String pod(String extra, String sysctls) {
    return "kind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n" + extra + "  securityContext:\n    sysctls: "
        + sysctls + "\n  containers: [{name: c, image: i}]\n";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|[{name: '', value: '1'}]|spec.securityContext.sysctls[0].name: Required value",
      "''|[{name: Kernel.Shm, value: '1'}]|spec.securityContext.sysctls[0].name: Invalid value: \"Kernel.Shm\": must"
          + " have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*"
          + "[a-z0-9])?$",
      "''|[{name: net.core.somaxconn, value: '1'}, {name: net.core.somaxconn, value: '2'}]|"
          + "spec.securityContext.sysctls[1].name: Duplicate value: \"net.core.somaxconn\"",
      "'  hostNetwork: true\n'|[{name: net.core.somaxconn, value: '1'}]|spec.securityContext.sysctls[0].name: Invalid"
          + " value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is true",
      "'  hostIPC: true\n'|[{name: kernel.msgmax, value: '1'}]|spec.securityContext.sysctls[0].name: Invalid value:"
          + " \"kernel.msgmax\": may not be specified when 'hostIPC' is true"})
  void kubesWords(String extra, String sysctls, String why) {
    StatusException e = assertThrows(StatusException.class, () -> create("pods", pod(extra, sysctls)));
    assertEquals(422, e.code());
    assertEquals("Pod \"p\" is invalid: " + why, e.getMessage());
    create("pods", pod(extra, "[{name: kernel.shm_rmid_forced, value: '0'}, {name: net/ipv4/tcp_syncookies, value: '1'}]")
        .replace("hostNetwork: true", "hostNetwork: false").replace("hostIPC: true", "hostIPC: false"));
  }
}
