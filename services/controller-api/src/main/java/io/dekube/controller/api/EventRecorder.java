package io.dekube.controller.api;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Records Events about objects as kube's controllers do ({@code kubectl describe} and
 * {@code kubectl get events} show them): the controller's name as source component, repeats counted
 * and similar events aggregated as client-go's recorder does. Fire and forget: a failed write is logged,
 * never thrown. Thread-safe.
 */
public interface EventRecorder {

  /** A {@code Normal} event: {@code reason} in CamelCase ({@code Created}), a message for people. */
  void normal(HasMetadata regarding, String reason, String message);

  /** A {@code Warning} event ({@code FailedCreate}). */
  void warning(HasMetadata regarding, String reason, String message);
}
