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

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "'{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"c3R...zE2\"}}}'|",
      "' { } '|",
      "null|",
      "'not json'|invalid character 'o' in literal null (expecting 'u')",
      "'Really really reeeeeeeeeeaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaalllllllllllllllllllllllllllllllllllllyyyyyy'"
          + "|invalid character 'R' looking for beginning of value",
      "''|unexpected end of JSON input",
      "'{\"a\":1'|unexpected end of JSON input",
      "'{\"a\" 1}'|invalid character '1' after object key",
      "'{\"a\":1 \"b\":2}'|invalid character '\"' after object key:value pair",
      "'{a:1}'|invalid character 'a' looking for beginning of object key string",
      "'{\"a\":[1 2]}'|invalid character '2' after array element",
      "'{\"a\":01}'|invalid character '1' after object key:value pair",
      "'{\"a\":-x}'|invalid character 'x' in numeric literal",
      "'{\"a\":1.}'|invalid character '}' after decimal point in numeric literal",
      "'{\"a\":1e+}'|invalid character '}' in exponent of numeric literal",
      "'{\"a\":\"\\q\"}'|invalid character 'q' in string escape code",
      "'{\"a\":\"\\u12x4\"}'|invalid character 'x' in \\u hexadecimal character escape",
      "'{} {}'|invalid character '{' after top-level value",
      "'[]'|json: cannot unmarshal array into Go value of type map[string]interface {}",
      "'\"s\"'|json: cannot unmarshal string into Go value of type map[string]interface {}",
      "'12'|json: cannot unmarshal number into Go value of type map[string]interface {}",
      "true|json: cannot unmarshal bool into Go value of type map[string]interface {}"})
  void goUnmarshalIntoAMapSaysWhatGoSays(String json, String error) {
    assertEquals(error, GoJson.mapUnmarshalError(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aDockerConfigSecretMustHoldAJsonObject() {
    String notJson = java.util.Base64.getEncoder().encodeToString("not json\n".getBytes());
    StatusException e = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("secrets",
        "kind: Secret\nmetadata: {name: regcred, namespace: d}\ntype: kubernetes.io/dockerconfigjson\n"
            + "data: {.dockerconfigjson: " + notJson + "}"));
    assertEquals(422, e.code());
    assertEquals("Secret \"regcred\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents "
        + "redacted>\": invalid character 'o' in literal null (expecting 'u')", e.getMessage());
    StatusException cfg = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("secrets",
        "kind: Secret\nmetadata: {name: old, namespace: d}\ntype: kubernetes.io/dockercfg\ndata: {x: eA==}"));
    assertEquals("Secret \"old\" is invalid: data[.dockercfg]: Required value", cfg.getMessage());
    StatusException basic = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("secrets",
        "kind: Secret\nmetadata: {name: b, namespace: d}\ntype: kubernetes.io/basic-auth\ndata: {user: eA==}"));
    assertEquals("Secret \"b\" is invalid: [data[username]: Required value, data[password]: Required value]",
        basic.getMessage());
    StatusException ssh = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("secrets",
        "kind: Secret\nmetadata: {name: s, namespace: d}\ntype: kubernetes.io/ssh-auth\ndata: {ssh-privatekey: ''}"));
    assertEquals("Secret \"s\" is invalid: data[ssh-privatekey]: Required value", ssh.getMessage());
    String config = java.util.Base64.getEncoder().encodeToString("{\"auths\":{}}".getBytes());
    KubernetesAdmissionTest.create("secrets", "kind: Secret\nmetadata: {name: ok, namespace: d}\n"
        + "type: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: " + config + "}");
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
