package io.dekube.apiserver;

import io.dekube.core.pki.ClusterPki;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of the apiserver's HTTPS front. Immutable; {@link #defaults()} then the {@code with...}
 * methods.
 *
 * @param host                where to listen (default {@code 127.0.0.1})
 * @param port                HTTPS port (default 6443; 0 picks a free one, see
 *                            {@link ApiServerVerticle#actualPort()})
 * @param pkiDirectory        where the CA and serving certificate live (default {@code .dekube/pki})
 * @param extraSans           more DNS names or IPs for the serving certificate
 * @param tokenAuthFile       static bearer tokens ({@code token,user,uid,"groups"}), or null
 * @param basicAuthFile       basic-auth passwords ({@code password,user,uid,"groups"}), or null
 * @param http2               offer h2 through ALPN besides http/1.1 (default true)
 * @param maxRequestBodyBytes request body limit, answered with 413 (default 3 MiB, as kube-apiserver)
 */
public record ApiServerConfig(String host, int port, Path pkiDirectory, List<String> extraSans, Path tokenAuthFile,
                              Path basicAuthFile, boolean http2, long maxRequestBodyBytes) {

  public static final int DEFAULT_PORT = 6443;
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 3L * 1024 * 1024;

  public ApiServerConfig {
    extraSans = List.copyOf(extraSans);
  }

  /** 127.0.0.1:6443, PKI in {@code .dekube/pki}, no token or password file, h2 on, 3 MiB bodies. */
  public static ApiServerConfig defaults() {
    return new ApiServerConfig("127.0.0.1", DEFAULT_PORT, ClusterPki.defaultDirectory(), List.of(), null, null, true,
        DEFAULT_MAX_REQUEST_BODY_BYTES);
  }

  public ApiServerConfig withHost(String host) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, tokenAuthFile, basicAuthFile, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withPort(int port) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, tokenAuthFile, basicAuthFile, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withPkiDirectory(Path dir) {
    return new ApiServerConfig(host, port, dir, extraSans, tokenAuthFile, basicAuthFile, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withExtraSans(List<String> sans) {
    return new ApiServerConfig(host, port, pkiDirectory, sans, tokenAuthFile, basicAuthFile, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withTokenAuthFile(Path file) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, file, basicAuthFile, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withBasicAuthFile(Path file) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, tokenAuthFile, file, http2, maxRequestBodyBytes);
  }

  public ApiServerConfig withHttp2(boolean enabled) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, tokenAuthFile, basicAuthFile, enabled, maxRequestBodyBytes);
  }

  public ApiServerConfig withMaxRequestBodyBytes(long limit) {
    return new ApiServerConfig(host, port, pkiDirectory, extraSans, tokenAuthFile, basicAuthFile, http2, limit);
  }
}
