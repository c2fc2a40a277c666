package io.dekube.plugins.webapp;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * What a WebApp asks for, read from its {@code spec} with the CRD's defaults. Immutable.
 *
 * @param image    the container image
 * @param replicas how many pods (1)
 * @param message  the pods' {@code MESSAGE} variable ("" when none)
 * @param port     the port the image serves (2015, kube-decon's)
 */
record WebAppSpec(String image, int replicas, String message, int port) {

  static final int DEFAULT_PORT = 2015;

  static WebAppSpec of(GenericKubernetesResource app) {
    Object image = app.get("spec", "image");
    Object replicas = app.get("spec", "replicas");
    Object message = app.get("spec", "message");
    Object port = app.get("spec", "port");
    return new WebAppSpec(image == null ? "" : image.toString(),
        replicas instanceof Number n ? n.intValue() : 1,
        message == null ? "" : message.toString(),
        port instanceof Number p ? p.intValue() : DEFAULT_PORT);
  }
}
