package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.Handle;

/** A {@link Handle} created before its profile's plugins and attached to the profile once built. */
public interface ProfileHandle extends Handle {

  /** Ties the handle to its profile (runPreFilters/runFilters run the profile's plugins). */
  void attach(Profile profile);
}
