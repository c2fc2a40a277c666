package io.dekube.store.writer;

import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;

/** A well-formed request: the envelope, its resource type, verb and options. Immutable. */
record ParsedRequest(RequestEnvelope envelope, ResourceType type, Verb verb, WriteOptions options) {

  String namespace() {
    return envelope.namespace() == null ? "" : envelope.namespace();
  }

  String name() {
    return envelope.name() == null ? "" : envelope.name();
  }

  String id() {
    return envelope.id();
  }
}
