package io.dekube.apiserver.openapi;

import com.google.gson.annotations.SerializedName;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Regenerates {@code kube-descriptions.tsv.gz} (see {@link KubeDescriptions}): the Kubernetes field
 * descriptions that the official Java client's models lack, taken from the TypeScript declarations of two npm
 * packages, unpacked by {@code services/apiserver/src/build/kube-descriptions.sh}, which runs this main:
 * <ol>
 *   <li>{@code cdk8s-plus-32} ({@code lib/imports/k8s.d.ts}, imported from Kubernetes 1.32.0's OpenAPI; each
 *       JSDoc names its definition and field with {@code @schema io.k8s.api.core.v1.PodSpec#affinity}): the
 *       1.32 words of every field the client left empty, mostly those that reference another type;</li>
 *   <li>{@code kubernetes-models} and {@code @kubernetes-models/apimachinery} (one {@code .d.ts} per definition,
 *       generated from a 1.33 OpenAPI, which keeps kube's {@code Possible enum values:} paragraphs): where its text
 *       is the 1.32 text plus that paragraph, the paragraph is added; its words also stand in for definitions
 *       that the first package does not declare.</li>
 * </ol>
 * Args: {@code <cdk8s k8s.d.ts> <kubernetes-models dir> <apimachinery dir> <output .tsv.gz>}. Prints what it could
 * not match, for whoever regenerates. Not part of the build: only this main reads the packages.
 */
public final class KubeDescriptionsGenerator {

  private static final Pattern JSDOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
  private static final Pattern KM_PROPERTY = Pattern.compile("/\\*\\*(.*?)\\*/\\s*\"([^\"]+)\"\\??:", Pattern.DOTALL);
  private static final Pattern KM_INTERFACE = Pattern.compile("/\\*\\*(.*?)\\*/\\s*export interface I", Pattern.DOTALL);
  private static final String ENUMS = "\n\nPossible enum values:";

  private KubeDescriptionsGenerator() {
  }

  public static void main(String[] args) throws IOException {
    Map<String, Map<String, String>> cdk8s = cdk8s(Files.readString(Path.of(args[0])));
    Map<String, Map<String, String>> models = new TreeMap<>();
    kubernetesModels(Path.of(args[1]), models);
    kubernetesModels(Path.of(args[2]), models);
    Map<String, String> out = new TreeMap<>();
    TreeSet<String> unmatched = new TreeSet<>();
    TreeSet<String> defs = new TreeSet<>(cdk8s.keySet());
    defs.addAll(models.keySet());
    int[] counts = new int[3];
    for (String def : defs) {
      Class<?> c = javaClass(def);
      if (c == null) {
        unmatched.add(def);
        continue;
      }
      Map<String, String> v132 = cdk8s.getOrDefault(def, Map.of());
      Map<String, String> v133 = models.getOrDefault(def, Map.of());
      ApiModel model = c.getAnnotation(ApiModel.class);
      Map<String, String> client = new LinkedHashMap<>();
      client.put("", model == null ? "" : model.description());
      for (Field f : c.getDeclaredFields()) {
        SerializedName sn = f.getAnnotation(SerializedName.class);
        if (sn != null && !Modifier.isStatic(f.getModifiers())) {
          ApiModelProperty p = ModelSchemas.getterAnnotation(c, f);
          client.put(sn.value(), p == null ? "" : p.value());
        }
      }
      client.forEach((field, theirs) -> {
        String words = pick(theirs, v132.get(field), v133.get(field));
        if (!words.equals(theirs)) {
          out.put(c.getSimpleName() + "\t" + field, words);
          counts[theirs.isEmpty() ? 0 : 1]++;
          counts[2] += words.contains(ENUMS) ? 1 : 0;
        } else if (words.isEmpty()) {
          unmatched.add(def + "#" + field);
        }
      });
    }
    write(Path.of(args[3]), out);
    System.out.println(out.size() + " descriptions written: " + counts[0] + " the client lacks, " + counts[1]
        + " it words otherwise, " + counts[2] + " with their enum values");
    System.out.println("left without a description or client class: " + unmatched);
  }

  /**
   * Kube 1.32's words for one field: cdk8s' (its lines trimmed; the client's are 1.33's, each newline made a
   * space, and empty beside a reference), else the client's; the 1.33 text instead where it says the same but
   * for whitespace, as it keeps kube's indentation and adds the enum paragraph, or where neither has words.
   */
  static String pick(String client, String v132, String v133) {
    String base = v132 != null && !v132.isEmpty() ? v132 : client;
    if (v133 == null || v133.isEmpty()) {
      return base;
    }
    int enums = v133.indexOf(ENUMS);
    String head = enums < 0 ? v133 : v133.substring(0, enums);
    return base.isEmpty() || words(head).equals(words(base)) ? v133 : base;
  }

  private static String words(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  /** The client-java model of a definition: {@code io.k8s.api.core.v1.Event} → {@code CoreV1Event}, else {@code V1Event}. */
  static Class<?> javaClass(String def) {
    String[] parts = def.split("\\.");
    if (parts.length < 3) {
      return null;
    }
    String type = parts[parts.length - 1];
    String version = parts[parts.length - 2];
    String group = parts[parts.length - 3];
    if (!version.matches("v[0-9]+((alpha|beta)[0-9]+)?")) {
      return null;
    }
    String prefix = SchemaNames.classPrefix(version);
    Class<?> c = ModelSchemas.model(Character.toUpperCase(group.charAt(0)) + group.substring(1) + prefix + type);
    return c != null ? c : ModelSchemas.model(prefix + type);
  }

  /** Definition → (field, or "" for the type) → description, from cdk8s' {@code @schema} tags. */
  static Map<String, Map<String, String>> cdk8s(String dts) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    Matcher m = JSDOC.matcher(dts);
    while (m.find()) {
      List<String> lines = lines(m.group(1));
      String schema = null;
      List<String> text = new ArrayList<>();
      boolean tags = false;
      for (String l : lines) {
        if (l.startsWith("@")) {
          tags = true;
          if (l.startsWith("@schema ")) {
            schema = l.substring("@schema ".length()).trim();
          }
        } else if (!tags) {
          text.add(l);
        }
      }
      if (schema == null || !schema.startsWith("io.k8s.")) {
        continue;
      }
      int hash = schema.indexOf('#');
      String def = hash < 0 ? schema : schema.substring(0, hash);
      String field = hash < 0 ? "" : schema.substring(hash + 1);
      // json2jsii writes kube's "'*/scale'" as "'_/scale'" inside its comments
      out.computeIfAbsent(def, k -> new LinkedHashMap<>()).put(field, join(text).replace("'_/", "'*/"));
    }
    return out;
  }

  /** Reads every {@code <group>/<version>/<Type>.d.ts} of a kubernetes-models package. */
  static void kubernetesModels(Path root, Map<String, Map<String, String>> out) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".d.ts")).toList()) {
        String def = definitionOf(root.relativize(f));
        if (def == null) {
          continue;
        }
        String dts = Files.readString(f);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher type = KM_INTERFACE.matcher(dts);
        if (type.find()) {
          fields.put("", models(type.group(1)));
        }
        int body = dts.indexOf("export interface I");
        Matcher m = KM_PROPERTY.matcher(dts);
        while (body >= 0 && m.find(body)) {
          fields.putIfAbsent(m.group(2), models(m.group(1)));
          body = m.end();
        }
        if (!fields.isEmpty()) {
          out.put(def, fields);
        }
      }
    }
  }

  /** {@code v1/PodSpec.d.ts} → {@code io.k8s.api.core.v1.PodSpec}; {@code apis/meta/v1/ObjectMeta.d.ts} → meta. */
  static String definitionOf(Path relative) {
    String p = relative.toString().replace('\\', '/');
    if (p.startsWith("_") || p.contains("/_") || p.endsWith("index.d.ts")) {
      return null;
    }
    String[] parts = p.substring(0, p.length() - ".d.ts".length()).split("/");
    String type = parts[parts.length - 1];
    if (parts.length == 4 && parts[0].equals("apis") && parts[1].equals("meta")) {
      return SchemaNames.META + type;
    }
    if (parts.length == 2) {
      return SchemaNames.packageOf("", parts[0]) + type;
    }
    if (parts.length == 3) {
      return SchemaNames.packageOf(parts[0], parts[1]) + type;
    }
    return null;
  }

  /** A kubernetes-models JSDoc: without its {@code @deprecated} tag, {@code \\*} and {@code \\/} unescaped. */
  private static String models(String body) {
    List<String> lines = lines(body);
    int tag = lines.indexOf("@deprecated");
    return join(tag < 0 ? lines : lines.subList(0, tag)).replace("\\*", "*").replace("\\/", "/");
  }

  /** The lines of a JSDoc body without their {@code " * "} prefix. */
  private static List<String> lines(String body) {
    List<String> out = new ArrayList<>();
    for (String raw : body.split("\n", -1)) {
      String l = raw.stripLeading();
      if (l.startsWith("*")) {
        l = l.substring(1);
        if (l.startsWith(" ")) {
          l = l.substring(1);
        }
      }
      out.add(l.stripTrailing());
    }
    return out;
  }

  private static String join(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isEmpty()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isEmpty()) {
      to--;
    }
    return String.join("\n", lines.subList(from, to));
  }

  private static void write(Path file, Map<String, String> entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (var e : entries.entrySet()) {
        os.write((e.getKey() + "\t" + KubeDescriptions.escape(e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
