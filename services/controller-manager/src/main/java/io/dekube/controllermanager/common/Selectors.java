package io.dekube.controllermanager.common;

import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Typed;

/** fabric8 label selectors as core's {@link LabelSelector} (null selects nothing, empty everything). Stateless. */
public final class Selectors {

  private Selectors() {
  }

  /** The selector; throws {@code StatusException} 400 for an invalid one. */
  public static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector s) {
    return s == null ? LabelSelector.nothing() : LabelSelector.fromJson(Typed.tree(s));
  }
}
