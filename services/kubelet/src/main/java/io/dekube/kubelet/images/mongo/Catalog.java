package io.dekube.kubelet.images.mongo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * The server's databases: collections of documents in memory, in insertion order, each collection also kept as a
 * file of concatenated BSON documents {@code <dbpath>/<db>/<collection>.bson} (the collection's name URL-encoded,
 * the database's one checked by {@link Commands}; written by {@link #save}, read back
 * by {@link #load}), so a new container on the same {@code /data/db} finds its data. Thread-safe.
 */
final class Catalog {

  /** One collection: its documents and the UUID {@code listCollections} shows. */
  record Collection(UUID uuid, List<BsonDocument> docs) {
  }

  private final Map<String, Map<String, Collection>> dbs = new TreeMap<>();

  /** Reads every collection file under {@code dir}. Blocking. */
  static Catalog load(Path dir) throws IOException {
    Catalog c = new Catalog();
    if (!Files.isDirectory(dir)) {
      return c;
    }
    try (Stream<Path> files = Files.walk(dir, 2)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".bson")).sorted().toList()) {
        String coll = java.net.URLDecoder.decode(f.getFileName().toString().replaceFirst("\\.bson$", ""),
            java.nio.charset.StandardCharsets.UTF_8);
        String db = f.getParent().getFileName().toString();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        List<BsonDocument> docs = new ArrayList<>();
        while (b.remaining() >= 5) {
          byte[] one = new byte[b.getInt(b.position())];
          b.get(one);
          docs.add(new RawBsonDocument(one).decode(new BsonDocumentCodec()));
        }
        c.dbs.computeIfAbsent(db, k -> new TreeMap<>()).put(coll, new Collection(UUID.randomUUID(), docs));
      }
    }
    return c;
  }

  /** Writes {@code db.coll}'s file (or removes it, the collection gone). Blocking. */
  void save(Path dir, String db, String coll) throws IOException {
    List<BsonDocument> docs = snapshot(db, coll);
    Path folder = dir.resolve(db);
    String name = java.net.URLEncoder.encode(coll, java.nio.charset.StandardCharsets.UTF_8);
    Path file = folder.resolve(name + ".bson");
    if (docs == null) {
      Files.deleteIfExists(file);
      if (Files.isDirectory(folder)) {
        try (Stream<Path> left = Files.list(folder)) {
          if (left.findAny().isEmpty()) {
            Files.delete(folder);
          }
        }
      }
      return;
    }
    Files.createDirectories(folder);
    Path tmp = folder.resolve(name + ".bson.tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      for (BsonDocument d : docs) {
        out.write(Wire.bson(d));
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  synchronized List<BsonDocument> snapshot(String db, String coll) {
    Collection c = dbs.getOrDefault(db, Map.of()).get(coll);
    return c == null ? null : List.copyOf(c.docs());
  }

  synchronized List<String> databases() {
    return dbs.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
  }

  synchronized Map<String, Collection> collections(String db) {
    return new TreeMap<>(dbs.getOrDefault(db, Map.of()));
  }

  /** The collection, made if it is not there. */
  synchronized Collection create(String db, String coll) {
    return dbs.computeIfAbsent(db, k -> new TreeMap<>()).computeIfAbsent(coll,
        k -> new Collection(UUID.randomUUID(), new ArrayList<>()));
  }

  synchronized boolean exists(String db, String coll) {
    return dbs.getOrDefault(db, Map.of()).containsKey(coll);
  }

  /** Removes a collection; false if it was not there. */
  synchronized boolean drop(String db, String coll) {
    Map<String, Collection> colls = dbs.get(db);
    boolean had = colls != null && colls.remove(coll) != null;
    if (colls != null && colls.isEmpty()) {
      dbs.remove(db);
    }
    return had;
  }

  /** Removes a database; the names of the collections it had. */
  synchronized List<String> dropDatabase(String db) {
    Map<String, Collection> colls = dbs.remove(db);
    return colls == null ? List.of() : List.copyOf(colls.keySet());
  }

  /** The approximate bytes of a database's documents ({@code sizeOnDisk}). */
  synchronized long size(String db) {
    return dbs.getOrDefault(db, Map.of()).values().stream().flatMap(c -> c.docs().stream())
        .mapToLong(d -> Wire.bson(d).length).sum();
  }
}
