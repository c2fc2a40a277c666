package io.dekube.controller.api;

/**
 * Builds one controller of a plugin jar ({@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.dekube.controller.api.ControllerFactory}; it needs a public no-argument
 * constructor). The controller-manager loads the jars of its {@code --plugins} folder, applies the jar's
 * CRDs, then calls {@link #create} once to check that the controller builds (a throw stops the
 * controller-manager with a message naming the jar). That loop runs while this controller-manager holds
 * its leader Lease, as the built-in controllers do; when it leads again later, {@link #create} is called
 * again for a fresh loop.
 */
public interface ControllerFactory {

  /**
   * The controller's name, e.g. {@code webapp}: its work queue's and logs' name, the source of its
   * Events and the field manager of its writes. Unique among the plugins of one controller-manager.
   */
  String name();

  /**
   * Builds the controller: asks {@code ctx} for the resources it reads and writes and returns the loop
   * over its primary resource. Only builds: no writes, no threads, no timers (the loop starts later).
   * Called on the controller-manager's event loop, more than once over the process' life.
   */
  Loop create(ControllerContext ctx);
}
