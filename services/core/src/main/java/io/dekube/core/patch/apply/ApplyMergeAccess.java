package io.dekube.core.patch.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.patch.smp.PatchSchema;

/** The entry point of {@link ApplyMerge} for {@code ServerSideApply}. */
public final class ApplyMergeAccess {

  private ApplyMergeAccess() {
  }

  /** Merges the applied configuration into {@code live} (mutated). */
  public static void merge(ObjectNode live, ObjectNode applied, PatchSchema schema) {
    ApplyMerge.mergeObject(live, applied, schema, true);
  }
}
