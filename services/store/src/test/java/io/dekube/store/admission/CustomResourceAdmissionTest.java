package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

class CustomResourceAdmissionTest {

  static ObjectNode yaml(String s) throws Exception {
    return (ObjectNode) Json.YAML.readTree(s);
  }

  static ResourceType serve(ResourceRegistry registry, String rules) throws Exception {
    ObjectNode crd = yaml("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.ex.com}
        spec:
          group: ex.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
        """ + rules + """
                    properties:
                      tags: {type: array, items: {type: string}}
        """);
    registry.serve(CrdParser.kind(crd));
    return registry.byResourceName("widgets.ex.com").orElseThrow();
  }

  @Test
  void aTypeErrorAloneWhenTheSchemaHasNoRules() throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    ResourceType widgets = serve(registry, "");
    ObjectNode w = yaml("apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w, namespace: d}\nspec: {tags: [x, true]}");
    StatusException e = assertThrows(StatusException.class,
        () -> new CustomResourceAdmission(registry).admit(widgets, Verb.CREATE, w, null));
    assertEquals("Widget.ex.com \"w\" is invalid: spec.tags[1]: Invalid value: \"boolean\": spec.tags[1] in body must "
        + "be of type string: \"boolean\"", e.getMessage());
  }

  @Test
  void rulesNotCheckedAreSaidWhenThereAreRules() throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    ResourceType widgets = serve(registry, """
                    x-kubernetes-validations: [{rule: "size(self.tags) < 5"}]
        """);
    ObjectNode w = yaml("apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w, namespace: d}\nspec: {tags: [x, true]}");
    StatusException e = assertThrows(StatusException.class,
        () -> new CustomResourceAdmission(registry).admit(widgets, Verb.CREATE, w, null));
    assertEquals(2, e.toStatus().at("/details/causes").size(), e.getMessage());
  }
}
