package io.dekube.apiserver.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldValidatorTest {

  private static final Class<?> DEPLOYMENT = TypedModels.of("apps", "Deployment").orElseThrow();
  private static final Class<?> POD = TypedModels.of("", "Pod").orElseThrow();
  private final FieldValidator validator = new FieldValidator();

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final String DEPLOY = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
      + "'labels':{'app':'web'},'annotations':{'a':'b'}},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
      + "'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},"
      + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx',"
      + "'ports':[{'containerPort':80}],'resources':{'limits':{'cpu':'500m','memory':1024}},"
      + "'readinessProbe':{'httpGet':{'path':'/','port':'http'}}}],'volumes':[{'name':'v','emptyDir':{}}]}}},"
      + "'status':{}}";

  @Test
  void aValidObjectPassesUnchanged() {
    ObjectNode o = json(DEPLOY);
    ObjectNode before = o.deepCopy();
    assertEquals(List.of(), validator.validate(DEPLOYMENT, "Deployment", "v1", o, List.of(), FieldValidation.STRICT));
    assertEquals(before, o);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Ignore|0", "Warn|2", "Strict|-1"
  })
  void unknownFieldsFollowTheMode(String mode, int warnings) {
    ObjectNode o = json(DEPLOY);
    ((ObjectNode) o.get("spec")).put("foo", 1);
    ((ObjectNode) o.at("/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
    if (warnings < 0) {
      StatusException e = assertThrows(StatusException.class, () -> validator.validate(DEPLOYMENT, "Deployment",
          "v1", o, List.of(), FieldValidation.parse(mode)));
      assertEquals(400, e.code());
      assertEquals("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
          + "unknown field \"spec.template.spec.containers[0].imagePullPolcy\", unknown field \"spec.foo\"",
          e.getMessage());
      return;
    }
    List<String> w = validator.validate(DEPLOYMENT, "Deployment", "v1", o, List.of(), FieldValidation.parse(mode));
    assertEquals(warnings, w.size());
    assertFalse(o.path("spec").has("foo"), "unknown fields are dropped");
    assertFalse(o.at("/spec/template/spec/containers/0").has("imagePullPolcy"));
    if (warnings > 0) {
      assertEquals("unknown field \"spec.foo\"", w.get(1), "document order");
    }
  }

  @Test
  void duplicatesAreReported() {
    List<String> w = validator.validate(DEPLOYMENT, "Deployment", "v1", json(DEPLOY), List.of("spec.replicas"),
        FieldValidation.WARN);
    assertEquals(List.of("duplicate field \"spec.replicas\""), w);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "/spec|replicas|'three'|json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
      "/spec|replicas|3.5|json: cannot unmarshal number 3.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
      "/spec|replicas|99999999999|json: cannot unmarshal number 99999999999 into Go struct field DeploymentSpec.spec.replicas of type int32",
      "/spec|paused|'yes'|json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
      "/metadata|labels|{'a':1}|json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
      "/spec/template/spec|containers|{}|json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
      "/spec/template/spec/containers/0/ports/0|containerPort|'80'|json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
      "/spec/template/spec/containers/0/resources/limits|cpu|'lots'|quantities must match the regular expression",
      "/spec/template/spec/containers/0/resources/limits|cpu|true|json: cannot unmarshal bool into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type resource.Quantity",
      "/spec|selector|'app=web'|json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector",
  })
  void wrongTypesAreBadRequestsNamingTheField(String at, String field, String value, String message) {
    ObjectNode o = json(DEPLOY);
    ((ObjectNode) o.at(at)).set(field, json("{'v':" + value + "}").get("v"));
    StatusException e = assertThrows(StatusException.class,
        () -> validator.validate(DEPLOYMENT, "Deployment", "v1", o, List.of(), FieldValidation.IGNORE));
    assertEquals(400, e.code());
    assertTrue(e.getMessage().startsWith("Deployment in version \"v1\" cannot be handled as a Deployment: " + message),
        e.getMessage());
  }

  @Test
  void nullsAndIntOrStringAreAccepted() {
    ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','creationTimestamp':null},"
        + "'spec':{'containers':[{'name':'c','image':'i','livenessProbe':{'tcpSocket':{'port':8080}}}]}}");
    assertEquals(List.of(), validator.validate(POD, "Pod", "v1", pod, List.of(), FieldValidation.STRICT));
  }

  @Test
  void withoutAModelOnlyDuplicatesCount() {
    ObjectNode o = json("{'spec':{'anything':1}}");
    assertEquals(List.of(), validator.validate(null, "Foo", "v1", o, List.of(), FieldValidation.STRICT));
    assertTrue(o.path("spec").has("anything"));
  }

  @Test
  void patchDocumentsSkipDirectives() {
    ObjectNode patch = json("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],"
        + "'containers':[{'name':'web','$patch':'delete','bogus':1}]}},'foo':{}}}");
    assertEquals(List.of("spec.template.spec.containers[0].bogus", "spec.foo"),
        validator.unknownPatchFields(DEPLOYMENT, patch));
    assertEquals(json("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],"
        + "'containers':[{'name':'web','$patch':'delete'}]}}}}"), patch, "unknown fields dropped, directives kept");
  }
}
