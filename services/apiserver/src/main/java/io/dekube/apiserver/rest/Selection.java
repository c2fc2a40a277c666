package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.select.FieldLabels;
import io.dekube.core.informer.FieldSelector;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ResourceType;
import java.util.function.Predicate;

/**
 * Which objects a list, watch or deletecollection addresses: the path's namespace (immutable
 * per object) and the label and field selectors (which an update can change). Pure and
 * thread-safe.
 */
final class Selection implements Predicate<ObjectNode> {

  private final String namespace;
  private final LabelSelector labels;
  private final FieldSelector fields;

  private Selection(String namespace, LabelSelector labels, FieldSelector fields) {
    this.namespace = namespace;
    this.labels = labels;
    this.fields = fields;
  }

  /**
   * The selection of a request.
   *
   * @param group     the API group the request addressed (whose field names the selector uses)
   * @param namespace "" for all namespaces (or a cluster-scoped resource)
   * @throws io.dekube.core.model.StatusException 400 BadRequest for a bad selector or an unsupported field
   */
  static Selection of(ResourceType type, String group, String namespace, String labelSelector,
                      String fieldSelector) {
    FieldSelector f = FieldLabels.convert(type, group, FieldSelector.parse(fieldSelector));
    FieldLabels.check(type, f.fields());
    return new Selection(namespace, LabelSelector.parse(labelSelector), f);
  }

  /** Whether an object is in the namespace addressed (always, for all namespaces). */
  boolean inScope(ObjectNode o) {
    return namespace.isEmpty() || namespace.equals(o.path("metadata").path("namespace").asText(""));
  }

  @Override
  public boolean test(ObjectNode o) {
    return inScope(o) && labels.matches(o) && fields.matches(field -> FieldLabels.value(o, field));
  }

  /** Whether labels or fields select (so an update can move an object in or out). */
  boolean selective() {
    return !labels.isEverything() || !fields.isEverything();
  }
}
