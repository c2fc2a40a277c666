package io.dekube.core.pki;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Renders and writes kubeconfig files for the cluster: cluster {@code dekube} (server URL and the
 * CA as {@code certificate-authority-data}), one user, and a context {@code dekube} that is
 * current. Rendering is pure; {@link #write} and {@link #writeAdmin} do blocking file I/O (run them
 * off the event loop). Thread-safe.
 */
public final class KubeconfigWriter {

  /** Name of the cluster and of the context in every kubeconfig written here. */
  public static final String NAME = "dekube";

  private final String server;
  private final X509Certificate ca;

  /**
   * @param server the apiserver URL, e.g. {@code https://127.0.0.1:6443}
   * @param ca     the cluster CA that signed the serving certificate
   */
  public KubeconfigWriter(String server, X509Certificate ca) {
    this.server = server;
    this.ca = ca;
  }

  /** {@code https://<host>:<port>}, bracketing IPv6 literals. */
  public static String serverUrl(String host, int port) {
    return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** A kubeconfig whose user authenticates with a client certificate. */
  public String withClientCertificate(String user, CertificateBundle certificate) {
    ObjectNode credentials = Json.object()
        .put("client-certificate-data", base64(certificate.certificatePem()))
        .put("client-key-data", base64(certificate.keyPem()));
    return render(user, credentials);
  }

  /** A kubeconfig whose user authenticates with a bearer token. */
  public String withToken(String user, String token) {
    return render(user, Json.object().put("token", token));
  }

  /** A kubeconfig whose user authenticates with basic auth. */
  public String withBasicAuth(String user, String username, String password) {
    return render(user, Json.object().put("username", username).put("password", password));
  }

  /**
   * Writes the admin kubeconfig (user {@code admin}, the PKI's stored CN=admin, O=system:masters
   * certificate) to {@code file}. Blocking.
   */
  public static Path writeAdmin(ClusterPki pki, String server, Path file) {
    KubeconfigWriter writer = new KubeconfigWriter(server, pki.ca().certificate());
    write(file, writer.withClientCertificate(ClusterPki.ADMIN_USER, pki.adminClientCertificate()));
    return file;
  }

  /** Writes a kubeconfig atomically, readable by its owner only (it holds credentials). Blocking. */
  public static void write(Path file, String kubeconfig) {
    try {
      ClusterPki.writeAtomically(file, kubeconfig, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file, e);
    }
  }

  private String render(String user, ObjectNode credentials) {
    ObjectNode config = Json.object().put("apiVersion", "v1").put("kind", "Config");
    ObjectNode cluster = config.putArray("clusters").addObject();
    cluster.putObject("cluster").put("certificate-authority-data", base64(Pem.certificate(ca))).put("server", server);
    cluster.put("name", NAME);
    ObjectNode context = config.putArray("contexts").addObject();
    context.putObject("context").put("cluster", NAME).put("user", user);
    context.put("name", NAME);
    config.put("current-context", NAME);
    config.putObject("preferences");
    ObjectNode userEntry = config.putArray("users").addObject();
    userEntry.put("name", user);
    userEntry.set("user", credentials);
    try {
      return Json.YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render kubeconfig", e);
    }
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
