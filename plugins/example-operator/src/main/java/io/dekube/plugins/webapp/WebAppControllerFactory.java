package io.dekube.plugins.webapp;

import io.dekube.controller.api.ControllerContext;
import io.dekube.controller.api.ControllerFactory;
import io.dekube.controller.api.Loop;

/** Registers the WebApp controller ({@code META-INF/services/io.dekube.controller.api.ControllerFactory}). */
public final class WebAppControllerFactory implements ControllerFactory {

  @Override
  public String name() {
    return "webapp-controller";
  }

  @Override
  public Loop create(ControllerContext ctx) {
    return new WebAppController(ctx).loop();
  }
}
