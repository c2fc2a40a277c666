package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Secret's {@code data} (and a ConfigMap's {@code binaryData}) that is not base64 is refused as kube's decoding
 * refuses it ("Managing Secrets using Configuration File": values written in plain text), at the byte Go's decoder
 * names.
 */
class SecretDataTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "YWRtaW4=|-1",
      "MWYyZDFlMmU2N2Rm|-1",
      "'YWRt\naW4='|-1",
      "''|-1",
      "admin|4",
      "'not base64!'|3",
      "YWRtaW4|4",
      "YQ|0",
      "YQ=|3",
      "Y===|1",
      "YWRtaW4=x|8",
      "'YW Rt'|2"})
  void goDecodersOffsets(String value, int offset) {
    assertEquals(offset, GoBase64.corruptAt(value));
  }

  @Test
  void plainTextDataIsABadRequestInKubesWords() {
    StatusException secret = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("secrets",
        "kind: Secret\nmetadata: {name: mysecret, namespace: d}\ndata: {username: admin}"));
    assertEquals(400, secret.code());
    assertEquals("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 4",
        secret.getMessage());
    StatusException cm = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("configmaps",
        "kind: ConfigMap\nmetadata: {name: c, namespace: d}\nbinaryData: {b: 'not base64!'}"));
    assertEquals("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte 3",
        cm.getMessage());
  }
}
