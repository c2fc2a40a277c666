package io.dekube.core.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS v2 client against grpc-java's server (the reference gRPC implementation, as kube's plugins are gRPC
 * servers) on a unix socket: the three calls with their protobuf messages, a plugin's error status in Go's words,
 * and a whole kms provider writing and reading through it.
 */
class KmsV2GrpcJavaTest {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  @Test
  void theClientTalksToGrpcJavasServer(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "grpc-java serves unix sockets with epoll");
    String socket = dir.resolve("kms.sock").toString();
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket))
        .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(group).workerEventLoopGroup(group)
        .addService(plugin()).build().start();
    KmsV2Client client = new KmsV2Client("grpc-java", socket, Duration.ofSeconds(10));
    try {
      assertEquals(new KmsProto.Status("v2", "ok", "k1"), client.status());
      byte[] seed = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
      KmsProto.Encrypted e = client.encrypt("uid-1", seed);
      assertEquals("k1", e.keyId());
      assertArrayEquals("uid-1".getBytes(StandardCharsets.UTF_8), e.annotations().get("uid.kms.example.com"));
      assertArrayEquals(seed, client.decrypt("uid-2", new KmsProto.EncryptedObject(new byte[] {1}, "k1",
          e.ciphertext(), e.annotations(), KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED)));
      assertEquals("rpc error: code = NotFound desc = key k9 not found", assertThrows(KmsV2Client.RpcException.class,
          () -> client.decrypt("uid-3", new KmsProto.EncryptedObject(new byte[] {1}, "k9", e.ciphertext(),
              Map.of(), KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED))).getMessage());
      // (an unknown method is not asked: grpc-java answers it from the request's headers, racing the request's own
      // end, and Vert.x then sees the stream reset; a plugin answers the three methods after reading the request)

      // a whole provider on this plugin
      java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("enc.yaml"), "apiVersion: "
          + "apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n"
          + "  providers:\n  - kms: {apiVersion: v2, name: p, endpoint: 'unix://" + socket + "'}\n");
      EncryptionConfig c = EncryptionConfig.load(file);
      try {
        ValueTransformer t = StoreEncryption.transformer(c, "secrets");
        byte[] path = "/registry/secrets/ns/s".getBytes(StandardCharsets.UTF_8);
        byte[] clear = "{\"kind\":\"Secret\"}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(clear, t.fromStorage(t.toStorage(clear, path), path).data());
      } finally {
        c.close();
      }
    } finally {
      client.close();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** A plugin whose "encryption" reverses the bytes; key k1 only; its uid as an annotation. */
  private static ServerServiceDefinition plugin() {
    return ServerServiceDefinition.builder("v2.KeyManagementService")
        .addMethod(method("Status"), ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(new KmsProto.Writer().string(1, "v2").string(2, "ok").string(3, "k1").toBytes());
          out.onCompleted();
        }))
        .addMethod(method("Encrypt"), ServerCalls.asyncUnaryCall((req, out) -> {
          PluginRequests.Encrypt e = PluginRequests.encrypt(req);
          out.onNext(new KmsProto.Writer().bytes(1, reverse(e.plaintext())).string(2, "k1")
              .map(3, Map.of("uid.kms.example.com", e.uid().getBytes(StandardCharsets.UTF_8))).toBytes());
          out.onCompleted();
        }))
        .addMethod(method("Decrypt"), ServerCalls.asyncUnaryCall((req, out) -> {
          PluginRequests.Decrypt d = PluginRequests.decrypt(req);
          if (!d.keyId().equals("k1")) {
            out.onError(Status.NOT_FOUND.withDescription("key " + d.keyId() + " not found").asRuntimeException());
            return;
          }
          out.onNext(new KmsProto.Writer().bytes(1, reverse(d.ciphertext())).toBytes());
          out.onCompleted();
        }))
        .build();
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("v2.KeyManagementService/" + name).setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES).build();
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }
}
