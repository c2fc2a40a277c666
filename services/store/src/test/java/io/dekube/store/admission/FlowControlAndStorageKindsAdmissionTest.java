package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FlowSchemas, PriorityLevelConfigurations, CSI objects and PodTemplates: kube's defaults and 422 wording. */
class FlowControlAndStorageKindsAdmissionTest {

  @Test
  void defaultsAsKubesV1() {
    ObjectNode fs = create("flowschemas.flowcontrol.apiserver.k8s.io", "kind: FlowSchema\nmetadata: {name: f}\n"
        + "spec: {priorityLevelConfiguration: {name: p}}");
    assertEquals(1000, fs.at("/spec/matchingPrecedence").asInt());
    ObjectNode pl = create("prioritylevelconfigurations.flowcontrol.apiserver.k8s.io", "kind: PriorityLevelConfiguration\n"
        + "metadata: {name: p}\nspec: {type: Limited, limited: {limitResponse: {type: Queue}}}");
    assertEquals("{\"limitResponse\":{\"type\":\"Queue\",\"queuing\":{\"queues\":64,\"handSize\":8,"
        + "\"queueLengthLimit\":50}},\"nominalConcurrencyShares\":30,\"lendablePercent\":0}", pl.at("/spec/limited").toString());
    ObjectNode driver = create("csidrivers.storage.k8s.io", "kind: CSIDriver\nmetadata: {name: hostpath.csi.k8s.io}");
    assertEquals("{\"attachRequired\":true,\"podInfoOnMount\":false,\"storageCapacity\":false,\"requiresRepublish\":false,"
        + "\"seLinuxMount\":false,\"fsGroupPolicy\":\"ReadWriteOnceWithFSType\",\"volumeLifecycleModes\":[\"Persistent\"]}",
        driver.path("spec").toString());
    ObjectNode template = create("podtemplates", "kind: PodTemplate\nmetadata: {name: t, namespace: d}\n"
        + "template: {spec: {containers: [{name: c, image: nginx}]}}");
    assertEquals("Always", template.at("/template/spec/restartPolicy").asText());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a precedence above 10000 | flowschemas.flowcontrol.apiserver.k8s.io | kind: FlowSchema\\nmetadata: {name: f}\\n"
          + "spec: {matchingPrecedence: 10001, priorityLevelConfiguration: {name: p}} | FlowSchema.flowcontrol.apiserver.k8s.io "
          + "\"f\" is invalid: spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000",
      "precedence 1 is exempt's | flowschemas.flowcontrol.apiserver.k8s.io | kind: FlowSchema\\nmetadata: {name: f}\\n"
          + "spec: {matchingPrecedence: 1, priorityLevelConfiguration: {name: p}} | FlowSchema.flowcontrol.apiserver.k8s.io "
          + "\"f\" is invalid: spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have "
          + "matchingPrecedence 1",
      "no priority level | flowschemas.flowcontrol.apiserver.k8s.io | kind: FlowSchema\\nmetadata: {name: f}\\n"
          + "spec: {distinguisherMethod: {type: ByGroup}} | FlowSchema.flowcontrol.apiserver.k8s.io \"f\" is invalid: "
          + "[spec.distinguisherMethod.type: Unsupported value: \"ByGroup\": supported values: \"ByNamespace\", \"ByUser\", "
          + "spec.priorityLevelConfiguration.name: Required value: must reference a priority level]",
      "a rule without subjects | flowschemas.flowcontrol.apiserver.k8s.io | kind: FlowSchema\\nmetadata: {name: f}\\n"
          + "spec: {priorityLevelConfiguration: {name: p}, rules: [{nonResourceRules: [{verbs: [get], nonResourceURLs: "
          + "[/x]}]}]} | FlowSchema.flowcontrol.apiserver.k8s.io \"f\" is invalid: spec.rules[0].subjects: Required value: "
          + "subjects must contain at least one value",
      "an exempt level of another name | prioritylevelconfigurations.flowcontrol.apiserver.k8s.io | "
          + "kind: PriorityLevelConfiguration\\nmetadata: {name: p}\\nspec: {type: Exempt} | "
          + "PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io \"p\" is invalid: spec.type: Invalid value: "
          + "\"Exempt\": type must be 'Exempt' if and only if name is 'exempt'",
      "a hand larger than the queues | prioritylevelconfigurations.flowcontrol.apiserver.k8s.io | "
          + "kind: PriorityLevelConfiguration\\nmetadata: {name: p}\\nspec: {type: Limited, limited: {limitResponse: "
          + "{type: Queue, queuing: {queues: 4, handSize: 8}}}} | PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io "
          + "\"p\" is invalid: spec.limited.limitResponse.queuing.handSize: Invalid value: 8: should not be greater than "
          + "queues (4)",
      "a short token | csidrivers.storage.k8s.io | kind: CSIDriver\\nmetadata: {name: d.example.com}\\n"
          + "spec: {tokenRequests: [{audience: a, expirationSeconds: 60}]} | CSIDriver.storage.k8s.io \"d.example.com\" is "
          + "invalid: spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
      "a driver without a node ID | csinodes.storage.k8s.io | kind: CSINode\\nmetadata: {name: n1}\\n"
          + "spec: {drivers: [{name: d.example.com}]} | CSINode.storage.k8s.io \"n1\" is invalid: "
          + "spec.drivers[0].nodeID: Required value",
      "a capacity without a class | csistoragecapacities.storage.k8s.io | kind: CSIStorageCapacity\\n"
          + "metadata: {name: c, namespace: d}\\ncapacity: 1Gi | CSIStorageCapacity.storage.k8s.io \"c\" is invalid: "
          + "storageClassName: Required value",
      "an attachment of two sources | volumeattachments.storage.k8s.io | kind: VolumeAttachment\\nmetadata: {name: v}\\n"
          + "spec: {attacher: d.example.com, nodeName: n1, source: {}} | VolumeAttachment.storage.k8s.io \"v\" is invalid: "
          + "spec.source: Invalid value: \"\": must specify exactly one of inlineVolumeSpec and persistentVolumeName",
      "a template without containers | podtemplates | kind: PodTemplate\\nmetadata: {name: t, namespace: d}\\n"
          + "template: {spec: {}} | PodTemplate \"t\" is invalid: template.spec.containers: Required value"})
  void invalidObjectsAreRefusedInKubesWords(String name, String resource, String yaml, String message) {
    StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> create(resource, yaml.replace("\\n", "\n")));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aVolumeAttachmentsSpecNeverChanges() {
    String attachment = "kind: VolumeAttachment\nmetadata: {name: v}\nspec: {attacher: d.example.com, nodeName: %s, "
        + "source: {persistentVolumeName: pv1}}";
    ObjectNode old = create("volumeattachments.storage.k8s.io", attachment.formatted("n1"));
    StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class, () -> ADMISSION.admit(
        type("volumeattachments.storage.k8s.io"), Verb.UPDATE, yaml(attachment.formatted("n2")), old));
    assertEquals("VolumeAttachment.storage.k8s.io \"v\" is invalid: spec: Invalid value: {...}: field is immutable",
        e.getMessage());
  }
}
