package io.dekube.kubelet.images.mongo;

import java.util.List;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/**
 * The read commands over a collection's documents: {@code find} ({@code filter}, {@code skip}, {@code limit},
 * {@code sort} on one field), {@code count}, and {@code aggregate} with the stages {@code countDocuments} sends
 * ({@code $match}, {@code $skip}, {@code $limit}, {@code $group} by a constant with {@code $sum}, {@code $count});
 * another stage is mongod's error for it. Pure over the catalog.
 */
final class Queries {

  private Queries() {
  }

  static BsonArray find(Catalog catalog, String db, String coll, BsonDocument cmd) {
    Stream<BsonDocument> docs = matching(catalog, db, coll, cmd.getDocument("filter", new BsonDocument()));
    BsonDocument sort = cmd.getDocument("sort", new BsonDocument());
    if (!sort.isEmpty()) {
      String field = sort.getFirstKey();
      int dir = sort.get(field).isNumber() && sort.get(field).asNumber().intValue() < 0 ? -1 : 1;
      docs = docs.sorted((a, b) -> dir * compare(a.get(field), b.get(field)));
    }
    return page(docs, cmd.get("skip"), cmd.get("limit"));
  }

  static int count(Catalog catalog, String db, String coll, BsonDocument cmd) {
    return page(matching(catalog, db, coll, cmd.getDocument("query", new BsonDocument())), cmd.get("skip"),
        cmd.get("limit")).size();
  }

  static BsonArray aggregate(Catalog catalog, String db, String coll, BsonDocument cmd) {
    List<BsonDocument> docs = matching(catalog, db, coll, new BsonDocument()).toList();
    for (BsonValue s : cmd.getArray("pipeline", new BsonArray())) {
      BsonDocument stage = s.asDocument();
      String name = stage.isEmpty() ? "" : stage.getFirstKey();
      BsonValue arg = stage.isEmpty() ? null : stage.get(name);
      docs = switch (name) {
        case "$match" -> docs.stream().filter(d -> Matcher.matches(arg.asDocument(), d)).toList();
        case "$skip" -> docs.stream().skip(arg.asNumber().longValue()).toList();
        case "$limit" -> docs.stream().limit(arg.asNumber().longValue()).toList();
        case "$count" -> docs.isEmpty() ? List.of()
            : List.of(new BsonDocument(arg.asString().getValue(), new BsonInt32(docs.size())));
        case "$group" -> group(arg.asDocument(), docs);
        default -> throw new Commands.CommandError(40324, "Location40324", "Unrecognized pipeline stage name: '"
            + name + "'");
      };
    }
    return new BsonArray(docs);
  }

  /** {@code $group} by a constant {@code _id} with {@code $sum} of constants: how {@code countDocuments} counts. */
  private static List<BsonDocument> group(BsonDocument spec, List<BsonDocument> docs) {
    BsonValue id = spec.get("_id");
    if (id == null || id.isString() && id.asString().getValue().startsWith("$")) {
      throw new Commands.CommandError(2, "BadValue", "$group by a field is not supported by this server");
    }
    if (docs.isEmpty()) {
      return List.of();
    }
    BsonDocument out = new BsonDocument("_id", id);
    for (String field : spec.keySet()) {
      if (field.equals("_id")) {
        continue;
      }
      BsonValue acc = spec.get(field);
      if (!acc.isDocument() || !acc.asDocument().containsKey("$sum") || !acc.asDocument().get("$sum").isNumber()) {
        throw new Commands.CommandError(2, "BadValue", "only {$sum: <number>} is supported in $group");
      }
      out.append(field, new BsonInt32(acc.asDocument().get("$sum").asNumber().intValue() * docs.size()));
    }
    return List.of(out);
  }

  private static Stream<BsonDocument> matching(Catalog catalog, String db, String coll, BsonDocument filter) {
    List<BsonDocument> docs = catalog.snapshot(db, coll);
    return docs == null ? Stream.empty() : docs.stream().filter(d -> Matcher.matches(filter, d));
  }

  private static BsonArray page(Stream<BsonDocument> docs, BsonValue skip, BsonValue limit) {
    if (skip != null && skip.isNumber()) {
      docs = docs.skip(Math.max(0, skip.asNumber().longValue()));
    }
    if (limit != null && limit.isNumber() && limit.asNumber().longValue() != 0) {
      docs = docs.limit(Math.abs(limit.asNumber().longValue()));
    }
    return new BsonArray(docs.map(d -> (BsonValue) d).toList());
  }

  private static int compare(BsonValue a, BsonValue b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.asNumber().doubleValue(), b.asNumber().doubleValue());
    }
    if (a.isString() && b.isString()) {
      return a.asString().getValue().compareTo(b.asString().getValue());
    }
    return Integer.compare(a.getBsonType().getValue(), b.getBsonType().getValue());
  }
}
