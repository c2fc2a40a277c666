package io.dekube.ingress;

/**
 * The ingress controller.
 *
 * @param host           the address it serves (127.0.0.1)
 * @param httpPort       HTTP port (8080; 0 picks one)
 * @param httpsPort      HTTPS port (8443; 0 picks one)
 * @param alsoPrivileged whether to serve 80 and 443 too when they may be bound
 * @param controller     the IngressClass controller name it answers to
 * @param className      the IngressClass it creates (default class when none is default)
 * @param defaultCertPem the certificate served when no Ingress TLS secret matches the SNI name
 * @param defaultKeyPem  its key
 */
public record IngressConfig(String host, int httpPort, int httpsPort, boolean alsoPrivileged, String controller,
    String className, String defaultCertPem, String defaultKeyPem) {

  /** The controller name of dekube's IngressClass. */
  public static final String CONTROLLER = "dekube.io/ingress-controller";
}
