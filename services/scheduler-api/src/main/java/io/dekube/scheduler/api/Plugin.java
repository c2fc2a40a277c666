package io.dekube.scheduler.api;

/**
 * A scheduler plugin: a named object that implements one or more extension point interfaces
 * ({@link PreFilterPlugin}, {@link FilterPlugin}, {@link ScorePlugin}, ...). One instance serves
 * every pod of one profile; extension points that run on worker threads (Filter, Score) must not
 * keep per-pod state in fields (use {@link CycleState}).
 */
public interface Plugin {

  /** The plugin's name, as profiles name it ({@code NodeResourcesFit}). */
  String name();
}
