package io.dekube.controllermanager.plugins;

import io.dekube.controller.api.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plugin controller's {@link EventRecorder}: core's recorder with the controller's name as source. Thread-safe. */
final class PluginEvents implements EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(PluginEvents.class);

  private final io.dekube.core.event.EventRecorder recorder;
  private final String component;

  PluginEvents(io.dekube.core.event.EventRecorder recorder, String component) {
    this.recorder = recorder;
    this.component = component;
  }

  @Override
  public void normal(HasMetadata regarding, String reason, String message) {
    record(regarding, io.dekube.core.event.EventRecorder.NORMAL, reason, message);
  }

  @Override
  public void warning(HasMetadata regarding, String reason, String message) {
    record(regarding, io.dekube.core.event.EventRecorder.WARNING, reason, message);
  }

  private void record(HasMetadata regarding, String type, String reason, String message) {
    try {
      recorder.record(component, regarding, type, reason, message);
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record the event {} {}: {}", component, type, reason, e.toString());
    }
  }
}
