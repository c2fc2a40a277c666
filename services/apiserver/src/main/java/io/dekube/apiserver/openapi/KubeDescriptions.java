package io.dekube.apiserver.openapi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Kubernetes 1.32's descriptions that the Java client's models lack: the words of every field that references
 * another type (the client's generator dropped a description beside a {@code $ref}, so {@code kubectl explain}
 * printed {@code <no description>} for {@code metadata}, {@code spec}, {@code affinity}...) and kube's
 * {@code Possible enum values:} paragraphs. Read from {@code kube-descriptions.tsv.gz} beside this class, one
 * {@code <client model class>\t<json field, or empty for the type>\t<description>} a line; where it comes from
 * is in {@code kube-descriptions.md} beside it, how to regenerate it in {@code KubeDescriptionsGenerator}
 * (test scope). Loaded only while the OpenAPI documents are built and dropped with {@link ModelSchemas}.
 * Immutable once loaded.
 */
final class KubeDescriptions {

  static final String RESOURCE = "kube-descriptions.tsv.gz";
  private static final Pattern ENUM_VALUE = Pattern.compile("^ - `\"(.*?)\"`", Pattern.MULTILINE);
  private static final String ENUMS = "\n\nPossible enum values:\n";

  private final Map<String, String> words;

  private KubeDescriptions(Map<String, String> words) {
    this.words = words;
  }

  /** Reads the resource (about 130 KB gzipped). */
  static KubeDescriptions load() {
    Map<String, String> words = new HashMap<>();
    try (InputStream in = KubeDescriptions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int tab = line.indexOf('\t');
        int second = line.indexOf('\t', tab + 1);
        if (tab > 0 && second > tab) {
          words.put(line.substring(0, second), unescape(line.substring(second + 1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KubeDescriptions(words);
  }

  /** Kube's words for a field of a client model ({@code V1PodSpec}, {@code affinity}), or {@code fallback}. */
  String field(Class<?> model, String field, String fallback) {
    return words.getOrDefault(model.getSimpleName() + "\t" + field, fallback);
  }

  /** Kube's words for a client model's type, or {@code fallback}. */
  String type(Class<?> model, String fallback) {
    return field(model, "", fallback);
  }

  /** The values of a description's {@code Possible enum values:} paragraph, in its order; empty if none. */
  static List<String> enumValues(String description) {
    int at = description.indexOf(ENUMS);
    List<String> out = new ArrayList<>();
    if (at >= 0) {
      Matcher m = ENUM_VALUE.matcher(description.substring(at + ENUMS.length()));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** One description on one line: backslash, tab and newline escaped. */
  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
