package io.dekube.core.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-apiserver's {@code --encryption-provider-config}: an {@code apiserver.config.k8s.io/v1}
 * {@code EncryptionConfiguration} that names, per group of resources ({@code secrets}, {@code configmaps},
 * {@code *.apps}, {@code *.} for the core group, {@code *.*}, {@code widgets.example.com}), the providers their
 * values go through at rest. The first provider encrypts writes; every provider is tried on read by its prefix.
 * The first entry that names a resource wins, an exact name before {@code *.<group>} before {@code *.*}. A file
 * that cannot be read or is not valid fails {@link #load} with kube's words (IllegalArgumentException). The
 * {@code kms} provider is validated as kube does, then refused: dekube has no KMS plugin client. Immutable.
 */
public final class EncryptionConfig {

  /** No file: every resource is kept in clear (and reading an encrypted value fails, as kube's identity does). */
  public static final EncryptionConfig NONE = new EncryptionConfig(Map.of());

  private static final Set<String> API_VERSIONS = Set.of("apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1");
  private static final List<Integer> AES_SIZES = List.of(16, 24, 32);
  private static final List<Integer> SECRETBOX_SIZES = List.of(32);
  private static final String NO_PREFIX = "no matching prefix found";

  /** Keyed by "group/resource" as kube's schema.GroupResource ("/secrets", "apps/*", "*\/*"). */
  private final Map<String, ValueTransformer> byResource;

  private EncryptionConfig(Map<String, ValueTransformer> byResource) {
    this.byResource = Map.copyOf(byResource);
  }

  /** Whether no resource is configured. */
  public boolean isEmpty() {
    return byResource.isEmpty();
  }

  /** The transformer of a resource ({@code group} "" for core), or null when no entry names it (kept in clear). */
  public ValueTransformer transformer(String group, String resource) {
    ValueTransformer t = byResource.get(group + "/" + resource);
    if (t == null) {
      t = byResource.get(group + "/*");
    }
    return t != null ? t : byResource.get("*/*");
  }

  /** Reads and validates the file, failing as kube-apiserver's start does. */
  public static EncryptionConfig load(Path file) {
    return parse(file, new String(read(file), StandardCharsets.UTF_8));
  }

  /** The file's bytes; kube's words when it cannot be read (IllegalArgumentException). */
  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("error opening encryption provider configuration file \"" + file
          + "\": open " + file + ": no such file or directory");
    } catch (IOException e) {
      throw new IllegalArgumentException("error opening encryption provider configuration file \"" + file + "\": "
          + e.getMessage());
    }
  }

  /** The file's {@code text} read and validated as {@link #load} does (the reload reads the file once, hashes it). */
  static EncryptionConfig parse(Path file, String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("encryption provider configuration file \"" + file + "\" is empty");
    }
    JsonNode doc;
    try {
      doc = Json.YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("error decoding encryption provider configuration file \"" + file + "\": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    String apiVersion = doc == null ? "" : doc.path("apiVersion").asText("");
    String kind = doc == null ? "" : doc.path("kind").asText("");
    if (!API_VERSIONS.contains(apiVersion) || !"EncryptionConfiguration".equals(kind)) {
      throw new IllegalArgumentException("error decoding encryption provider configuration file \"" + file
          + "\": no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\" in scheme "
          + "(dekube reads apiserver.config.k8s.io/v1 EncryptionConfiguration)");
    }
    return parse(doc);
  }

  /** An {@code EncryptionConfiguration} document (JSON tree); kube's validation errors as an IllegalArgumentException. */
  static EncryptionConfig parse(JsonNode doc) {
    List<String> errors = new ArrayList<>();
    JsonNode resources = doc.path("resources");
    if (!resources.isArray() || resources.isEmpty()) {
      throw invalid(List.of("resources: Required value: at least one resources is required"));
    }
    Map<String, ValueTransformer> byResource = new LinkedHashMap<>();
    for (int i = 0; i < resources.size(); i++) {
      String at = "resources[" + i + "]";
      JsonNode entry = resources.get(i);
      List<String> names = new ArrayList<>();
      entry.path("resources").forEach(n -> names.add(n.asText()));
      if (names.isEmpty()) {
        errors.add(at + ".resources: Required value: at least one " + at + ".resources is required");
      }
      EncryptionValidation.resources(names, at + ".resources", errors);
      JsonNode providers = entry.path("providers");
      if (!providers.isArray() || providers.isEmpty()) {
        errors.add(at + ".providers: Required value: at least one " + at + ".providers is required");
        continue;
      }
      List<PrefixTransformers.Entry> entries = new ArrayList<>();
      for (int j = 0; j < providers.size(); j++) {
        PrefixTransformers.Entry e = EncryptionValidation.provider(providers.get(j), at + ".providers[" + j + "]",
            errors);
        if (e != null) {
          entries.add(e);
        }
      }
      if (entries.size() == providers.size()) {
        ValueTransformer t = new PrefixTransformers(NO_PREFIX, entries);
        for (String name : names) {
          int dot = name.indexOf('.');
          String key = dot < 0 ? "/" + name : name.substring(dot + 1) + "/" + name.substring(0, dot);
          byResource.putIfAbsent(key, t); // the first entry that names a resource wins
        }
      }
    }
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    return new EncryptionConfig(byResource);
  }

  private static IllegalArgumentException invalid(List<String> errors) {
    return new IllegalArgumentException("error while parsing file: "
        + (errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]"));
  }

  /** The base64 secret of a key (validated before). */
  static byte[] secret(JsonNode key) {
    return Base64.getDecoder().decode(key.path("secret").asText());
  }

  static List<Integer> aesSizes() {
    return AES_SIZES;
  }

  static List<Integer> secretboxSizes() {
    return SECRETBOX_SIZES;
  }
}
