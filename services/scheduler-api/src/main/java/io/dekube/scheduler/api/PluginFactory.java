package io.dekube.scheduler.api;

import java.util.Map;

/**
 * Creates a plugin by name: built-ins are listed in the scheduler's registry; a jar in the plugins
 * folder contributes its own by listing its factories in
 * {@code META-INF/services/io.dekube.scheduler.api.PluginFactory} ({@link java.util.ServiceLoader}).
 * A profile names the plugin; its {@code pluginConfig} args come in {@code args}, as parsed from
 * the YAML (maps, lists, strings, numbers, booleans). Called once per profile at start.
 */
public interface PluginFactory {

  /** The name profiles use for the plugin. */
  String name();

  /**
   * Creates the plugin.
   *
   * @param args   the plugin's args from {@code pluginConfig} (empty map when none)
   * @param handle the framework handle of the profile
   * @throws IllegalArgumentException when the args are wrong (the message says which and why)
   */
  Plugin create(Map<String, Object> args, Handle handle);
}
