package io.dekube.kubelet.images.mongo;

import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A find filter as mongod reads the simple ones: fields (dotted paths too) equal to a value — an array field matches
 * when one of its elements does — or compared with {@code $eq $ne $gt $gte $lt $lte $in $nin $exists}; anything else
 * is mongod's {@code BadValue}. Pure.
 */
final class Matcher {

  /** A filter this server cannot read: mongod's {@code BadValue} (2). */
  static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message);
    }
  }

  private Matcher() {
  }

  static boolean matches(BsonDocument filter, BsonDocument doc) {
    for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
      if (e.getKey().startsWith("$")) {
        throw new Unsupported("unknown top level operator: " + e.getKey());
      }
      BsonValue actual = path(doc, e.getKey());
      BsonValue wanted = e.getValue();
      boolean operators = wanted.isDocument() && !wanted.asDocument().isEmpty()
          && wanted.asDocument().getFirstKey().startsWith("$");
      if (operators ? !operators(wanted.asDocument(), actual) : !equal(actual, wanted)) {
        return false;
      }
    }
    return true;
  }

  private static boolean operators(BsonDocument ops, BsonValue actual) {
    for (Map.Entry<String, BsonValue> op : ops.entrySet()) {
      BsonValue v = op.getValue();
      boolean ok = switch (op.getKey()) {
        case "$eq" -> equal(actual, v);
        case "$ne" -> !equal(actual, v);
        case "$gt" -> compared(actual, v, c -> c > 0);
        case "$gte" -> compared(actual, v, c -> c >= 0);
        case "$lt" -> compared(actual, v, c -> c < 0);
        case "$lte" -> compared(actual, v, c -> c <= 0);
        case "$in" -> in(actual, v);
        case "$nin" -> !in(actual, v);
        case "$exists" -> (actual != null) == (v.isBoolean() ? v.asBoolean().getValue()
            : v.isNumber() && v.asNumber().doubleValue() != 0);
        default -> throw new Unsupported("unknown operator: " + op.getKey());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean in(BsonValue actual, BsonValue list) {
    if (!list.isArray()) {
      throw new Unsupported("$in needs an array");
    }
    return list.asArray().stream().anyMatch(v -> equal(actual, v));
  }

  private static boolean compared(BsonValue actual, BsonValue v, java.util.function.IntPredicate test) {
    if (actual == null) {
      return false;
    }
    if (actual.isArray()) {
      return actual.asArray().stream().anyMatch(a -> compared(a, v, test));
    }
    if (actual.isNumber() && v.isNumber()) {
      return test.test(Double.compare(actual.asNumber().doubleValue(), v.asNumber().doubleValue()));
    }
    if (actual.isString() && v.isString()) {
      return test.test(actual.asString().getValue().compareTo(v.asString().getValue()));
    }
    if (actual.isDateTime() && v.isDateTime()) {
      return test.test(Long.compare(actual.asDateTime().getValue(), v.asDateTime().getValue()));
    }
    return false;
  }

  /** Whether a field's value equals {@code wanted} as mongod compares: numbers by value, arrays by any element. */
  static boolean equal(BsonValue actual, BsonValue wanted) {
    if (actual == null) {
      return wanted.isNull();
    }
    if (same(actual, wanted)) {
      return true;
    }
    return actual.isArray() && actual.asArray().stream().anyMatch(a -> same(a, wanted));
  }

  private static boolean same(BsonValue a, BsonValue b) {
    if (a.isNumber() && b.isNumber()) {
      return a.asNumber().doubleValue() == b.asNumber().doubleValue();
    }
    if (a.isDocument() && b.isDocument()) {
      BsonDocument x = a.asDocument();
      BsonDocument y = b.asDocument();
      if (x.size() != y.size() || !x.keySet().stream().toList().equals(y.keySet().stream().toList())) {
        return false;
      }
      return x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
    }
    if (a.isArray() && b.isArray()) {
      BsonArray x = a.asArray();
      BsonArray y = b.asArray();
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static BsonValue path(BsonDocument doc, String path) {
    BsonValue v = doc;
    for (String part : path.split("\\.")) {
      if (v == null || !v.isDocument()) {
        return null;
      }
      v = v.asDocument().get(part);
    }
    return v;
  }
}
