package io.dekube.controllermanager.plugins;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controller.api.ControllerFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * What one plugin jar gives the controller-manager: the CRDs of its kinds and its controller factories.
 * Immutable.
 *
 * @param jar       the jar's file
 * @param crds      its CustomResourceDefinitions, in file order
 * @param factories its controller factories, in the order its services file lists them
 */
public record PluginJar(Path jar, List<Crd> crds, List<ControllerFactory> factories) {

  /**
   * One CRD of a jar.
   *
   * @param file   the jar entry it comes from ({@code META-INF/dekube/crds/webapps.yaml})
   * @param object the CRD as parsed
   */
  public record Crd(String file, ObjectNode object) {
  }

  /** The field manager of its CRDs' server-side apply: the jar's file name. */
  public String fieldManager() {
    return "plugin:" + jar.getFileName();
  }

  @Override
  public String toString() {
    return jar.toString();
  }
}
