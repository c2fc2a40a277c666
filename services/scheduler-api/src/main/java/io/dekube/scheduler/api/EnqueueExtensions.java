package io.dekube.scheduler.api;

import java.util.List;

/**
 * kube's {@code EnqueueExtensions}, optional for a plugin that can reject pods (PreFilter, Filter,
 * Reserve, Permit): the cluster events after which a pod it rejected may fit, each with a hint that
 * looks at the objects. A pod leaves the unschedulable pool only for an event registered by one of
 * the plugins that rejected it, and only when that plugin's hint says {@link QueueingHint#QUEUE} (or
 * after 5 minutes). A plugin that does not implement this interface is registered for every event.
 * Called once per profile when the scheduler starts.
 */
public interface EnqueueExtensions {

  /** The events that may make a pod this plugin rejected schedulable. */
  List<ClusterEventWithHint> eventsToRegister();
}
