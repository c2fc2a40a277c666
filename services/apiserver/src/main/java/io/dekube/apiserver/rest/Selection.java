package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.select.FieldLabels;
import io.dekube.core.informer.FieldSelector;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceType;
import java.util.List;
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
  private final boolean custom;

  private Selection(String namespace, LabelSelector labels, FieldSelector fields, boolean custom) {
    this.namespace = namespace;
    this.labels = labels;
    this.fields = fields;
    this.custom = custom;
  }

  /**
   * The selection of a request: its type, the API group and version it addressed (whose field
   * names the selector uses; a custom kind's served version names its {@code selectableFields})
   * and its namespace ("" for all namespaces or a cluster-scoped resource).
   *
   * @throws io.dekube.core.model.StatusException 400 BadRequest for a bad selector or an unsupported field
   */
  static Selection of(ApiRequest r, String labelSelector, String fieldSelector) {
    ResourceType type = r.type();
    FieldSelector f = FieldLabels.convert(type, r.path().group(), FieldSelector.parse(fieldSelector));
    CustomKind custom = r.custom();
    if (custom != null) {
      List<String> selectable = custom.served(r.path().version()).map(CustomKind.Version::selectableFields).orElse(List.of());
      FieldLabels.checkCustom(type, selectable, f.fields());
    } else {
      FieldLabels.check(type, f.fields());
    }
    return new Selection(r.namespace(), LabelSelector.parse(labelSelector), f, custom != null);
  }

  /** Whether an object is in the namespace addressed (always, for all namespaces). */
  boolean inScope(ObjectNode o) {
    return namespace.isEmpty() || namespace.equals(o.path("metadata").path("namespace").asText(""));
  }

  @Override
  public boolean test(ObjectNode o) {
    return inScope(o) && labels.matches(o) && fields.matches(field -> custom
        ? FieldLabels.customValue(o, field) : FieldLabels.value(o, field));
  }

  /** Whether labels or fields select (so an update can move an object in or out). */
  boolean selective() {
    return !labels.isEverything() || !fields.isEverything();
  }
}
