package io.dekube.kubelet.images.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mongo image's server, run by the real jvm runtime, spoken to by MongoDB's own Java driver: the handshake,
 * {@code ping}, {@code hello}, inserts and finds, an unknown command's error, and the data kept in {@code /data/db}
 * from one container to the next.
 */
class MongoImageTest {

  private static final String IP = "127.31.14.11";

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private RunningContainer container;

  @AfterEach
  void stop() throws Exception {
    stopContainer();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void stopContainer() throws Exception {
    if (container != null && !container.exited().isComplete()) {
      container.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private void start(String image, int run) throws Exception {
    Container c = new ContainerBuilder().withName("mongo").withImage(image).build();
    Path data = Files.createDirectories(dir.resolve("pv"));
    ContainerSpec spec = new ContainerSpec("default", "mongo-75f59d57f4-4nd6q", "uid-mongo", "node-1", IP, c,
        Map.of(), dir.resolve("mongo/" + run + ".log"), dir.resolve("pod" + run), Map.of("/data/db", data),
        "mongo-" + run);
    container = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log(run).contains("Waiting for connections"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("not ready: " + log(run), e);
    }
  }

  private String log(int run) throws Exception {
    Path f = dir.resolve("mongo/" + run + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private static MongoClient client() {
    return MongoClients.create("mongodb://" + IP + ":27017/?directConnection=true&serverSelectionTimeoutMS=5000");
  }

  @Test
  void theJavaDriverPingsInsertsAndFinds() throws Exception {
    start("mongo:5.0", 0);
    assertTrue(log(0).contains("\"s\":\"I\",  \"c\":\"NETWORK\",  \"id\":23016,   \"ctx\":\"listener\","
        + "\"msg\":\"Waiting for connections\",\"attr\":{\"port\":27017,\"ssl\":\"off\"}}\n"), log(0));
    try (MongoClient client = client()) {
      MongoDatabase admin = client.getDatabase("admin");
      assertEquals(1.0, admin.runCommand(new Document("ping", 1)).get("ok"));
      Document hello = admin.runCommand(new Document("hello", 1));
      assertEquals(true, hello.get("isWritablePrimary"));
      assertEquals(13, hello.get("maxWireVersion"));
      assertEquals("5.0.31", admin.runCommand(new Document("buildInfo", 1)).get("version"));

      MongoCollection<Document> fruit = client.getDatabase("shop").getCollection("fruit");
      fruit.insertOne(new Document("name", "apple").append("qty", 5));
      fruit.insertMany(List.of(new Document("name", "pear").append("qty", 2),
          new Document("name", "plum").append("qty", 2)));
      assertEquals("apple", fruit.find(Filters.eq("name", "apple")).first().get("name"));
      assertEquals(2, fruit.find(Filters.eq("qty", 2)).into(new ArrayList<>()).size());
      assertEquals(1, fruit.find(Filters.eq("qty", 2)).limit(1).into(new ArrayList<>()).size());
      assertEquals(2, fruit.countDocuments(Filters.eq("qty", 2)));
      assertEquals(3, fruit.countDocuments());
      assertEquals(1, fruit.deleteOne(Filters.eq("name", "pear")).getDeletedCount());
      assertEquals(2, fruit.countDocuments());
      Document apple = fruit.find(Filters.eq("name", "apple")).first();
      MongoWriteException dup = assertThrows(MongoWriteException.class, () -> fruit.insertOne(apple));
      assertEquals(11000, dup.getError().getCode());

      List<String> dbs = client.listDatabaseNames().into(new ArrayList<>());
      assertEquals(List.of("admin", "config", "local", "shop"), dbs);
      assertEquals(List.of("fruit"), client.getDatabase("shop").listCollectionNames().into(new ArrayList<>()));

      MongoCommandException unknown = assertThrows(MongoCommandException.class,
          () -> admin.runCommand(new Document("frobnicate", 1)));
      assertEquals(59, unknown.getErrorCode());
      assertEquals("CommandNotFound", unknown.getErrorCodeName());
      assertTrue(unknown.getErrorMessage().contains("no such command: 'frobnicate'"), unknown.getErrorMessage());
    }
    assertTrue(log(0).contains("\"msg\":\"client metadata\""), log(0));
  }

  @Test
  void aNewContainerOnTheSameDataFolderFindsTheDocuments() throws Exception {
    start("mongo", 0);
    try (MongoClient client = client()) {
      client.getDatabase("test").getCollection("kept").insertOne(new Document("a", 1));
      client.getDatabase("test").getCollection("../../../escaped").insertOne(new Document("b", 2));
    }
    // the server writes a collection's file after it answered the insert (a .tmp file, then renamed)
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(
        List.of("..%2F..%2F..%2Fescaped.bson", "kept.bson"), Files.list(dir.resolve("pv/test"))
            .map(p -> p.getFileName().toString()).sorted().toList()));
    stopContainer();
    assertTrue(log(0).contains("\"msg\":\"Shutting down\",\"attr\":{\"exitCode\":0}}"), log(0));
    start("mongo:7.0", 1);
    try (MongoClient client = client()) {
      Document doc = client.getDatabase("test").getCollection("kept").find().first();
      assertEquals(1, doc.get("a"));
      assertEquals(2, client.getDatabase("test").getCollection("../../../escaped").find().first().get("b"));
      client.getDatabase("test").getCollection("../../../escaped").drop();
      client.getDatabase("test").getCollection("kept").drop();
      assertEquals(List.of("admin", "config", "local"), client.listDatabaseNames().into(new ArrayList<>()));
    }
  }
}
