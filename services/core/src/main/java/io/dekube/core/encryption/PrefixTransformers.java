package io.dekube.core.encryption;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code value.NewPrefixTransformers}: writes go through the first entry and carry its prefix; a read is
 * tried with every entry whose prefix the data starts with, in order, and the first that succeeds wins (stale when
 * it is not the first entry). An entry without prefix (identity) that fails is skipped silently, so that identity
 * placed first lets encrypted data fall through to the providers after it. When every matching entry failed the
 * read fails with their errors ({@code [a, b]} for several), and with {@code noMatch} when none matched. Nested for
 * providers and their keys ({@code k8s:enc:aescbc:v1:} then {@code key1:}), as kube does. Each read and write is
 * counted in {@code apiserver_storage_transformation_operations_total}. Immutable, thread-safe.
 */
final class PrefixTransformers implements ValueTransformer {

  /** One provider or key: the prefix its values carry, and the transformer of what follows the prefix. */
  record Entry(byte[] prefix, ValueTransformer transformer) {
  }

  private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();
  /** The counters of each entry and outcome, looked up once (a read is on the informers' hot path). */
  private final Counter[] counters;

  private final List<Entry> entries;
  private final String noMatch;

  PrefixTransformers(String noMatch, List<Entry> entries) {
    this.noMatch = noMatch;
    this.entries = List.copyOf(entries);
    this.counters = new Counter[entries.size() * 4 + 1];
  }

  @Override
  public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
    List<String> errors = null;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (!startsWith(data, e.prefix())) {
        continue;
      }
      String label = e.prefix().length == 0 ? "identity" : null; // the prefix, made only for a new counter
      try {
        Read r = e.transformer().fromStorage(e.prefix().length == 0 ? data
            : Arrays.copyOfRange(data, e.prefix().length, data.length), ad);
        counter(i * 4, "from_storage", label, "OK").increment();
        return new Read(r.data(), r.stale() || i != 0);
      } catch (TransformException x) {
        if (e.prefix().length == 0) {
          continue; // identity read encrypted data: let the providers after it try
        }
        counter(i * 4 + 1, "from_storage", label, "Unknown").increment();
        if (errors == null) {
          errors = new ArrayList<>(2);
        }
        errors.add(x.getMessage());
      }
    }
    if (errors != null) {
      throw new TransformException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    counter(entries.size() * 4, "from_storage", "unknown", "Unknown").increment();
    throw new TransformException(noMatch);
  }

  @Override
  public byte[] toStorage(byte[] data, byte[] ad) throws TransformException {
    Entry first = entries.get(0);
    String label = null;
    byte[] body;
    try {
      body = first.transformer().toStorage(data, ad);
    } catch (TransformException e) {
      counter(3, "to_storage", label, "Unknown").increment();
      throw e;
    }
    counter(2, "to_storage", label, "OK").increment();
    if (first.prefix().length == 0) {
      return body;
    }
    byte[] out = Arrays.copyOf(first.prefix(), first.prefix().length + body.length);
    System.arraycopy(body, 0, out, first.prefix().length, body.length);
    return out;
  }

  static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * kube's counter of entry {@code slot / 4} ({@code null} prefix: that entry's); its status is the gRPC code of the
   * error ({@code Unknown} for a plain one). Cached per slot: a race registers the same counter twice, harmlessly.
   */
  private Counter counter(int slot, String type, String label, String status) {
    Counter c = counters[slot];
    if (c == null) {
      String prefix = label != null ? label
          : new String(entries.get(slot / 4).prefix(), java.nio.charset.StandardCharsets.UTF_8);
      c = count(type, prefix, status);
      counters[slot] = c;
    }
    return c;
  }

  private static Counter count(String type, String prefix, String status) {
    return COUNTERS.computeIfAbsent(type + '\0' + prefix + '\0' + status, k -> Counter
        .builder("apiserver.storage.transformation.operations")
        .description("Total number of transformations. Successful transformation will have a status 'OK' and a "
            + "varied status string when the transformation fails.")
        .tag("transformation_type", type).tag("transformer_prefix", prefix).tag("status", status)
        .register(Metrics.registry()));
  }
}
