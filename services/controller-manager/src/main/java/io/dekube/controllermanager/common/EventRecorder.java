package io.dekube.controllermanager.common;

import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import java.time.Clock;

/**
 * The controllers' event recorder: core's {@link io.dekube.core.event.EventRecorder} (client-go's
 * recorder with its correlation: counts, similar-event aggregation, spam filter), under the name the
 * controllers already use. Thread-safe.
 */
public final class EventRecorder extends io.dekube.core.event.EventRecorder {

  public EventRecorder(StoreApi store, ResourceType events, Clock clock, String host) {
    super(store, events, clock, host);
  }
}
