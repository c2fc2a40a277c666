package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import java.util.function.Supplier;

/**
 * What one request leads to: at most one store record, and the reply. The reply object is built
 * lazily because it carries the resourceVersion of a record that is not sent yet.
 *
 * @param write  the store record to send, or null (reads, no-ops, dry runs, failures)
 * @param code   200, 201, or the failure's code
 * @param object builds the reply object (with resourceVersion); null on failure
 * @param status the failure {@code Status}; null on success
 */
record Outcome(StoreWrite write, int code, Supplier<ObjectNode> object, ObjectNode status) {

  static Outcome ok(int code, StoreWrite write, Supplier<ObjectNode> object) {
    return new Outcome(write, code, object, null);
  }

  static Outcome failed(StatusException e) {
    return new Outcome(null, e.code(), null, e.toStatus());
  }

  boolean succeeded() {
    return status == null;
  }
}
