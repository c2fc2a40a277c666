package io.dekube.core.encryption;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A KMS v2 plugin for tests, as kube's e2e mock plugin: a gRPC server of {@code v2.KeyManagementService} on a unix
 * domain socket (HTTP/2 without TLS, gRPC's length-prefixed messages, {@code grpc-status} trailers) that encrypts
 * with an AES-GCM key per key id. {@link #rotate} makes a new key current (the old ones still decrypt),
 * {@link #forget} drops one (a Decrypt under it fails {@code Unknown}), {@link #stop} and {@link #start} take it
 * off the socket and back, {@link #healthz} sets what Status answers. Counts its Encrypt and Decrypt calls.
 */
public final class MockKmsV2Plugin implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx = Vertx.vertx();
  private final Path socket;
  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
  private volatile String keyId;
  private volatile String healthz = "ok";
  private HttpServer server;
  /** Encrypt calls answered. */
  public final AtomicInteger encrypts = new AtomicInteger();
  /** Decrypt calls answered. */
  public final AtomicInteger decrypts = new AtomicInteger();

  /** A plugin with key id {@code keyId}, listening on {@code socket}. */
  public MockKmsV2Plugin(Path socket, String keyId) throws Exception {
    this.socket = socket;
    rotate(keyId);
    start();
  }

  /** The endpoint to write in an EncryptionConfiguration. */
  public String endpoint() {
    return "unix://" + socket;
  }

  /** Makes a new AES key current under {@code id}. */
  public void rotate(String id) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    keys.put(id, key);
    keyId = id;
  }

  /** Drops the key {@code id}: what was encrypted under it cannot be decrypted any more. */
  public void forget(String id) {
    keys.remove(id);
  }

  /** What Status answers as healthz ({@code ok} is healthy). */
  public void healthz(String value) {
    healthz = value;
  }

  /** Listens on the socket (again). */
  public synchronized void start() throws Exception {
    Files.deleteIfExists(socket);
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(req -> req.body().onSuccess(body -> answer(req.path(), body, req.response())));
    server.listen(SocketAddress.domainSocketAddress(socket.toString())).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Stops listening (and removes the socket): the plugin is down. */
  public synchronized void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server = null;
    }
    Files.deleteIfExists(socket);
  }

  private void answer(String path, Buffer body, HttpServerResponse resp) {
    resp.putHeader("content-type", "application/grpc");
    byte[] request = body.length() >= 5 ? body.getBytes(5, 5 + body.getInt(1)) : new byte[0];
    byte[] reply;
    try {
      reply = switch (path) {
        case "/v2.KeyManagementService/Status" -> new KmsProto.Writer().string(1, "v2").string(2, healthz)
            .string(3, keyId).toBytes();
        case "/v2.KeyManagementService/Encrypt" -> encrypt(request);
        case "/v2.KeyManagementService/Decrypt" -> decrypt(request);
        default -> throw new GrpcError(12, "unknown method " + path);
      };
    } catch (GrpcError e) {
      resp.putTrailer("grpc-status", Integer.toString(e.code));
      resp.putTrailer("grpc-message", URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8).replace("+", "%20"));
      resp.end();
      return;
    }
    resp.putTrailer("grpc-status", "0");
    resp.end(Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply));
  }

  private byte[] encrypt(byte[] request) throws GrpcError {
    byte[] plaintext = PluginRequests.encrypt(request).plaintext();
    String id = keyId;
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    byte[] sealed = gcm(Cipher.ENCRYPT_MODE, keys.get(id), nonce, plaintext);
    byte[] ciphertext = Arrays.copyOf(nonce, 12 + sealed.length);
    System.arraycopy(sealed, 0, ciphertext, 12, sealed.length);
    encrypts.incrementAndGet();
    return new KmsProto.Writer().bytes(1, ciphertext).string(2, id)
        .map(3, Map.of("mock.kms.example.com", "v1".getBytes(StandardCharsets.UTF_8))).toBytes();
  }

  private byte[] decrypt(byte[] request) throws GrpcError {
    PluginRequests.Decrypt d = PluginRequests.decrypt(request);
    byte[] ciphertext = d.ciphertext();
    String id = d.keyId();
    byte[] key = keys.get(id);
    if (key == null) {
      throw new GrpcError(2, "key " + id + " not found");
    }
    decrypts.incrementAndGet();
    byte[] plaintext = gcm(Cipher.DECRYPT_MODE, key, Arrays.copyOf(ciphertext, 12),
        Arrays.copyOfRange(ciphertext, 12, ciphertext.length));
    return new KmsProto.Writer().bytes(1, plaintext).toBytes();
  }

  private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] data) throws GrpcError {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new GrpcError(2, "failed to decrypt: " + e.getMessage());
    }
  }

  private static final class GrpcError extends Exception {
    final int code;

    GrpcError(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /**
   * Runs the plugin until killed, for a cluster by hand: {@code SOCKET KEY_ID}; each line on standard input is a
   * new key id to rotate to.
   */
  public static void main(String[] args) throws Exception {
    MockKmsV2Plugin plugin = new MockKmsV2Plugin(Path.of(args[0]), args[1]);
    System.out.println("mock KMS v2 plugin on " + plugin.endpoint() + ", key id " + args[1]);
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        plugin.rotate(line.trim());
        System.out.println("key id " + line.trim());
      }
    }
    Thread.currentThread().join();
  }

  @Override
  public void close() throws Exception {
    stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
