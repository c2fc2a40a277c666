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
 * that cannot be read or is not valid fails {@link #load} with kube's words (IllegalArgumentException). A
 * {@code kms} provider with {@code apiVersion: v2} calls its plugin ({@link KmsV2Provider}), started once the file
 * is valid; {@code apiVersion: v1} is refused as kube 1.32 refuses it without {@code --feature-gates=KMSv1=true}
 * (dekube has no KMS v1 client). Immutable but for its KMS providers' state; {@link #close} stops their probes.
 */
public final class EncryptionConfig implements AutoCloseable {

  /** No file: every resource is kept in clear (and reading an encrypted value fails, as kube's identity does). */
  public static final EncryptionConfig NONE = new EncryptionConfig(Map.of(), List.of());

  private static final Set<String> API_VERSIONS = Set.of("apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1alpha1");
  private static final List<Integer> AES_SIZES = List.of(16, 24, 32);
  private static final List<Integer> SECRETBOX_SIZES = List.of(32);
  private static final String NO_PREFIX = "no matching prefix found";

  /** Keyed by "group/resource" as kube's schema.GroupResource ("/secrets", "apps/*", "*\/*"). */
  private final Map<String, ValueTransformer> byResource;
  /** The kms v2 providers, in the file's order: kube's {@code kms-provider-<i>}. */
  private final List<KmsV2Provider> kms;

  private EncryptionConfig(Map<String, ValueTransformer> byResource, List<KmsV2Provider> kms) {
    this.byResource = Map.copyOf(byResource);
    this.kms = List.copyOf(kms);
  }

  /** Whether a kms provider is configured (kube then registers its {@code kms-providers} health check). */
  public boolean hasKms() {
    return !kms.isEmpty();
  }

  /**
   * kube's {@code kms-providers} health check: null when every KMS plugin answered healthy (or there is none),
   * else each failing one's {@code kms-provider-<i>: <error>} (kube's aggregate: {@code [a, b]} for several).
   * Never calls a plugin on the caller's thread (see {@link KmsV2Provider}).
   */
  public String kmsHealth() {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < kms.size(); i++) {
      String e = kms.get(i).health();
      if (e != null) {
        errors.add("kms-provider-" + i + ": " + e);
      }
    }
    return errors.isEmpty() ? null : errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
  }

  /**
   * How many seeds this configuration's KMS providers have made (0 without any): it changes when a plugin's key id
   * changes or a plugin answers for the first time, so a reader that keeps decrypted values reads them again.
   */
  public long kmsGeneration() {
    long g = 0;
    for (KmsV2Provider p : kms) {
      g += p.generation();
    }
    return g;
  }

  /** Stops the KMS providers' probes and connections. Idempotent. */
  @Override
  public void close() {
    kms.forEach(KmsV2Provider::close);
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
    EncryptionValidation.KmsProviders kms = new EncryptionValidation.KmsProviders();
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
            errors, kms);
        if (e != null) {
          entries.add(e);
        }
      }
      if (entries.size() == providers.size() && !kms.v1) {
        ValueTransformer t = new PrefixTransformers(NO_PREFIX, entries);
        for (String name : names) {
          int dot = name.indexOf('.');
          String key = dot < 0 ? "/" + name : name.substring(dot + 1) + "/" + name.substring(0, dot);
          byResource.putIfAbsent(key, t); // the first entry that names a resource wins
        }
      }
    }
    if (!errors.isEmpty() || kms.v1) {
      kms.v2.forEach(KmsV2Provider::close);
      if (!errors.isEmpty()) {
        throw invalid(errors);
      }
      throw new IllegalArgumentException("error while building transformers: KMSv1 is deprecated and will only "
          + "receive security updates going forward. Use KMSv2 instead.  Set --feature-gates=KMSv1=true to use the "
          + "deprecated KMSv1 feature.");
    }
    kms.v2.forEach(KmsV2Provider::start); // kube primes each plugin inline: one status and one seed
    return new EncryptionConfig(byResource, kms.v2);
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
