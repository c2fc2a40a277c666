package io.dekube.plugins.packing;

import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import java.util.Map;

/** Makes {@link NodePacking} known to the scheduler; listed in {@code META-INF/services}. Takes no args. */
public final class NodePackingFactory implements PluginFactory {

  @Override
  public String name() {
    return NodePacking.NAME;
  }

  @Override
  public Plugin create(Map<String, Object> args, Handle handle) {
    if (args != null && !args.isEmpty()) {
      throw new IllegalArgumentException("NodePacking takes no args, got " + args.keySet());
    }
    return new NodePacking();
  }
}
