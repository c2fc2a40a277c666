package io.dekube.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.smp.PatchSchema;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {

  static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** (name, group, kind, original, patch, expected), YAML flow style. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("containers merge by name", "", "Pod",
            "{spec: {containers: [{name: a, image: x, ports: [{containerPort: 80}]}, {name: b, image: y}]}}",
            "{spec: {containers: [{name: a, image: z}]}}",
            "{spec: {containers: [{name: a, image: z, ports: [{containerPort: 80}]}, {name: b, image: y}]}}"),
        // without $setElementOrder kube puts patch items not in the live list before server-only ones
        Arguments.of("new container without order goes first", "", "Pod",
            "{spec: {containers: [{name: a, image: x}]}}",
            "{spec: {containers: [{name: b, image: y}]}}",
            "{spec: {containers: [{name: b, image: y}, {name: a, image: x}]}}"),
        Arguments.of("$patch delete in list", "", "Pod",
            "{spec: {containers: [{name: a, image: x}, {name: b, image: y}]}}",
            "{spec: {containers: [{name: a, $patch: delete}]}}",
            "{spec: {containers: [{name: b, image: y}]}}"),
        Arguments.of("$patch replace in list", "", "Pod",
            "{spec: {containers: [{name: a, image: x}, {name: b, image: y}]}}",
            "{spec: {containers: [{name: c, image: z}, {$patch: replace}]}}",
            "{spec: {containers: [{name: c, image: z}]}}"),
        Arguments.of("$patch replace in map", "", "Pod",
            "{metadata: {labels: {a: '1', b: '2'}}}",
            "{metadata: {labels: {c: '3', $patch: replace}}}",
            "{metadata: {labels: {c: '3'}}}"),
        Arguments.of("$patch delete of a map", "", "Pod",
            "{spec: {securityContext: {runAsUser: 1}, nodeName: n}}",
            "{spec: {securityContext: {$patch: delete}}}",
            "{spec: {securityContext: {}, nodeName: n}}"),
        Arguments.of("null deletes", "", "Pod",
            "{metadata: {labels: {a: '1', b: '2'}}, spec: {nodeName: n}}",
            "{metadata: {labels: {a: null, c: '3'}}, spec: {nodeName: null}}",
            "{metadata: {labels: {b: '2', c: '3'}}, spec: {}}"),
        Arguments.of("finalizers merge as a set", "", "Pod",
            "{metadata: {finalizers: [a, b]}}",
            "{metadata: {finalizers: [b, c]}}",
            "{metadata: {finalizers: [a, b, c]}}"),
        Arguments.of("$deleteFromPrimitiveList", "", "Pod",
            "{metadata: {finalizers: [a, b, c]}}",
            "{metadata: {$deleteFromPrimitiveList/finalizers: [b]}}",
            "{metadata: {finalizers: [a, c]}}"),
        Arguments.of("tolerations have no merge key: replaced", "", "Pod",
            "{spec: {tolerations: [{key: a, operator: Exists}]}}",
            "{spec: {tolerations: [{key: b, operator: Exists}]}}",
            "{spec: {tolerations: [{key: b, operator: Exists}]}}"),
        Arguments.of("ports merge by containerPort", "", "Pod",
            "{spec: {containers: [{name: a, ports: [{containerPort: 80, name: http}, {containerPort: 443}]}]}}",
            "{spec: {containers: [{name: a, ports: [{containerPort: 80, name: web}]}]}}",
            "{spec: {containers: [{name: a, ports: [{containerPort: 80, name: web}, {containerPort: 443}]}]}}"),
        Arguments.of("env merge by name", "apps", "Deployment",
            "{spec: {template: {spec: {containers: [{name: a, env: [{name: X, value: '1'}, {name: Y, value: '2'}]}]}}}}",
            "{spec: {template: {spec: {containers: [{name: a, env: [{name: Y, value: '3'}]}]}}}}",
            "{spec: {template: {spec: {containers: [{name: a, env: [{name: X, value: '1'}, {name: Y, value: '3'}]}]}}}}"),
        Arguments.of("$setElementOrder keeps server-only items in place", "", "Pod",
            "{spec: {containers: [{name: a}, {name: b}, {name: c}]}}",
            "{spec: {$setElementOrder/containers: [{name: a}, {name: c}, {name: d}], containers: [{name: d, image: z}]}}",
            "{spec: {containers: [{name: a}, {name: b}, {name: c}, {name: d, image: z}]}}"),
        Arguments.of("$setElementOrder reorders", "", "Pod",
            "{spec: {containers: [{name: a}, {name: b}]}}",
            "{spec: {$setElementOrder/containers: [{name: b}, {name: a}]}}",
            "{spec: {containers: [{name: b}, {name: a}]}}"),
        Arguments.of("$retainKeys on deployment strategy", "apps", "Deployment",
            "{spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}}",
            "{spec: {strategy: {$retainKeys: [type], type: Recreate}}}",
            "{spec: {strategy: {type: Recreate}}}"),
        Arguments.of("kubectl apply image change", "apps", "Deployment",
            "{metadata: {name: web, annotations: {x: y}}, spec: {replicas: 3, template: {spec: {containers: "
                + "[{name: web, image: 'v1', imagePullPolicy: IfNotPresent}]}}}}",
            "{metadata: {annotations: {x: z}}, spec: {template: {spec: {$setElementOrder/containers: [{name: web}], "
                + "containers: [{name: web, image: 'v2'}]}}}}",
            "{metadata: {name: web, annotations: {x: z}}, spec: {replicas: 3, template: {spec: {containers: "
                + "[{name: web, image: 'v2', imagePullPolicy: IfNotPresent}]}}}}"),
        Arguments.of("volumes merge by name", "", "Pod",
            "{spec: {volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]}}",
            "{spec: {volumes: [{name: b, $retainKeys: [name, hostPath], hostPath: {path: /x}}]}}",
            "{spec: {volumes: [{name: a, emptyDir: {}}, {name: b, hostPath: {path: /x}}]}}"),
        Arguments.of("service ports merge by port", "", "Service",
            "{spec: {ports: [{port: 80, targetPort: 8080, nodePort: 30001}]}}",
            "{spec: {ports: [{port: 80, targetPort: 9090}]}}",
            "{spec: {ports: [{port: 80, targetPort: 9090, nodePort: 30001}]}}"),
        Arguments.of("unknown kind: lists replaced, maps merged", "example.com", "Widget",
            "{spec: {items: [1, 2], m: {a: 1}}}",
            "{spec: {items: [3], m: {b: 2}}}",
            "{spec: {items: [3], m: {a: 1, b: 2}}}"),
        Arguments.of("ownerReferences merge by uid", "apps", "ReplicaSet",
            "{metadata: {ownerReferences: [{uid: u1, name: a}]}}",
            "{metadata: {ownerReferences: [{uid: u2, name: b}]}}",
            "{metadata: {ownerReferences: [{uid: u2, name: b}, {uid: u1, name: a}]}}"),
        Arguments.of("conditions merge by type", "apps", "Deployment",
            "{status: {conditions: [{type: Available, status: 'True'}, {type: Progressing, status: 'True'}]}}",
            "{status: {conditions: [{type: Available, status: 'False'}]}}",
            "{status: {conditions: [{type: Available, status: 'False'}, {type: Progressing, status: 'True'}]}}"),
        Arguments.of("new list field with directives is cleaned", "", "Pod",
            "{spec: {}}",
            "{spec: {$setElementOrder/containers: [{name: a}], containers: [{name: a, image: x, env: null}]}}",
            "{spec: {containers: [{name: a, image: x}]}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void patches(String name, String group, String kind, String original, String patch, String expected) {
    ObjectNode out = StrategicMergePatch.apply((ObjectNode) yaml(original), yaml(patch), PatchSchema.forKind(group, kind));
    assertEquals(yaml(expected), out);
  }

  @Test
  void missingMergeKeyIsBadRequest() {
    StatusException e = assertThrows(StatusException.class, () -> StrategicMergePatch.apply(
        (ObjectNode) yaml("{spec: {containers: [{name: a}]}}"), yaml("{spec: {containers: [{image: b}]}}"),
        PatchSchema.forKind("", "Pod")));
    assertEquals(400, e.code());
  }

  @Test
  void customResourcesAreUnsupported() {
    var crontabs = new io.dekube.core.model.ResourceType("stable.example.com", "v1", "crontabs", "crontab", "CronTab",
        true, java.util.List.of(), java.util.List.of(), java.util.List.of());
    StatusException e = assertThrows(StatusException.class,
        () -> StrategicMergePatch.apply((ObjectNode) yaml("{spec: {}}"), yaml("{spec: {a: 1}}"), crontabs));
    assertEquals(415, e.code());
    var deployments = io.dekube.core.model.ResourceRegistry.builtIn().byResourceName("deployments.apps").orElseThrow();
    assertEquals(yaml("{spec: {replicas: 2}}"),
        StrategicMergePatch.apply((ObjectNode) yaml("{spec: {replicas: 1}}"), yaml("{spec: {replicas: 2}}"), deployments));
  }

  @Test
  void inputsAreNotModified() {
    ObjectNode original = (ObjectNode) yaml("{metadata: {labels: {a: '1'}}}");
    JsonNode patch = yaml("{metadata: {labels: {a: null}}}");
    StrategicMergePatch.apply(original, patch, PatchSchema.forKind("", "Pod"));
    assertEquals(yaml("{metadata: {labels: {a: '1'}}}"), original);
    assertEquals(yaml("{metadata: {labels: {a: null}}}"), patch);
  }
}
