package io.dekube.core.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.GoDuration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * kube's {@code ValidateEncryptionConfiguration} (apiserver/pkg/apis/apiserver/validation), in its words: the
 * resource names of an entry, and each provider with its keys, which this also turns into a prefix transformer
 * entry. Errors are appended as kube's field errors ({@code path: Invalid value: ...: detail}). Stateless.
 */
final class EncryptionValidation {

  private static final List<String> PROVIDERS = List.of("kms", "aesgcm", "aescbc", "secretbox", "identity");

  private EncryptionValidation() {
  }

  /** The resource names of one entry: overlaps, duplicates, capitals, {@code *}, groups kube refuses. */
  static void resources(List<String> names, String path, List<String> errors) {
    if (names.size() >= 2) {
      boolean duplicate = false;
      boolean overlap = false;
      for (int i = 0; i < names.size(); i++) {
        for (int j = 0; j < names.size(); j++) {
          if (i == j) {
            continue;
          }
          String[] a = groupResource(names.get(i));
          String[] b = groupResource(names.get(j));
          if (a[0].equals(b[0]) && a[1].equals(b[1])) {
            duplicate = true;
          } else if (a[0].equals("*") && a[1].equals("*")
              || a[0].equals(b[0]) && (a[1].equals("*") || b[1].equals("*"))) {
            overlap = true;
          }
        }
      }
      String value = goStrings(names);
      if (duplicate) {
        errors.add(path + ": Invalid value: " + value + ": the same resource cannot be specified multiple times");
      }
      if (overlap) {
        errors.add(path + ": Invalid value: " + value + ": using overlapping resources such as 'secrets' and '*.' "
            + "in the same resource list is not allowed as they will be masked");
      }
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String at = path + "[" + i + "]: Invalid value: \"" + name + "\": ";
      String[] gr = groupResource(name);
      if (!name.toLowerCase(java.util.Locale.ROOT).equals(name)) {
        errors.add(at + "resource name should not contain capital letters");
      } else if (name.equals("*")) {
        errors.add(at + "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources");
      } else if (List.of("apiserveripinfo", "serviceipallocations", "servicenodeportallocations").contains(name)) {
        errors.add(at + "resources which do not have REST API/s cannot be encrypted");
      } else if (gr[0].equals("events.k8s.io")) {
        errors.add(at + "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' "
            + "instead in the config file");
      } else if (gr[0].equals("extensions")) {
        errors.add(at + "'extensions' group has been removed and cannot be used for encryption");
      } else if (gr[0].equals("*") && !gr[1].equals("*")) {
        errors.add(at + "encrypting the same resource across groups is not supported");
      }
    }
  }

  /**
   * One element of {@code providers}: exactly one provider, its keys valid; its prefix transformer entry, or null
   * when it is not valid (the errors say why). A {@code kms} v2 provider is made but not started (no plugin call):
   * {@code kms} collects it, and the caller starts them all once the whole file is valid.
   */
  static PrefixTransformers.Entry provider(JsonNode p, String path, List<String> errors, KmsProviders kms) {
    List<String> given = new ArrayList<>();
    PROVIDERS.forEach(name -> {
      if (p.hasNonNull(name)) {
        given.add(name);
      }
    });
    if (given.isEmpty()) {
      errors.add(path + ": Invalid value: " + p + ": provider does not contain any of the expected providers: "
          + "KMS, AESGCM, AESCBC, Secretbox, Identity");
      return null;
    }
    if (given.size() > 1) {
      errors.add(path + ": Invalid value: " + p + ": more than one provider specified in a single element, should "
          + "split into different list elements");
      return null;
    }
    String name = given.get(0);
    JsonNode config = p.get(name);
    return switch (name) {
      case "identity" -> new PrefixTransformers.Entry(new byte[0], Providers.IDENTITY);
      case "aescbc" -> keyed(config, path + ".aescbc.keys", EncryptionConfig.aesSizes(), "k8s:enc:aescbc:v1:",
          "no matching key was found for the provided AES transformer", Providers::aesCbc, errors);
      case "aesgcm" -> keyed(config, path + ".aesgcm.keys", EncryptionConfig.aesSizes(), "k8s:enc:aesgcm:v1:",
          "no matching key was found for the provided AES transformer", Providers::aesGcm, errors);
      case "secretbox" -> keyed(config, path + ".secretbox.keys", EncryptionConfig.secretboxSizes(),
          "k8s:enc:secretbox:v1:", "no matching key was found for the provided Secretbox transformer",
          Providers::secretbox, errors);
      default -> kms(config, path + ".kms", errors, kms);
    };
  }

  private static PrefixTransformers.Entry keyed(JsonNode config, String path, List<Integer> sizes, String prefix,
                                                String noKey, Function<byte[], ValueTransformer> make,
                                                List<String> errors) {
    JsonNode keys = config.path("keys");
    if (!keys.isArray() || keys.isEmpty()) {
      errors.add(path + ": Required value: at least one keys is required");
      return null;
    }
    int before = errors.size();
    List<PrefixTransformers.Entry> entries = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      JsonNode key = keys.get(i);
      String at = path + "[" + i + "]";
      String name = key.path("name").asText("");
      String secret = key.path("secret").asText("");
      if (name.isEmpty()) {
        errors.add(at + ".name: Required value: name is a mandatory field for a key");
      }
      if (secret.isEmpty()) {
        errors.add(at + ".secret: Required value: secret is a mandatory field for a key");
        continue;
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(secret);
      } catch (IllegalArgumentException e) {
        errors.add(at + ".secret: Invalid value: \"REDACTED\": secrets must be base64 encoded");
        continue;
      }
      if (!sizes.contains(bytes.length)) {
        errors.add(at + ".secret: Invalid value: \"REDACTED\": secret is not of the expected length, got "
            + bytes.length + ", expected one of " + sizes.toString().replace(",", ""));
        continue;
      }
      entries.add(new PrefixTransformers.Entry((name + ":").getBytes(StandardCharsets.UTF_8), make.apply(bytes)));
    }
    if (errors.size() > before) {
      return null;
    }
    return new PrefixTransformers.Entry(prefix.getBytes(StandardCharsets.US_ASCII), new PrefixTransformers(noKey,
        entries));
  }

  /**
   * The kms providers of one file: their names (kube's are unique across the file) and the v2 ones made, in order
   * (kube's {@code kms-provider-<i>}), and whether a v1 one was given.
   */
  static final class KmsProviders {
    final java.util.Set<String> names = new java.util.HashSet<>();
    final List<KmsV2Provider> v2 = new ArrayList<>();
    boolean v1;
  }

  /**
   * kube's checks of a kms provider, in its order (name, timeout, endpoint, cachesize, apiVersion; apiVersion
   * defaults to v1, timeout to 3s), then its entry: {@code k8s:enc:kms:v2:<name>:} and a {@link KmsV2Provider}. A
   * valid v1 provider gives no entry and marks {@code kms.v1}: kube 1.32 refuses it without its feature gate.
   */
  private static PrefixTransformers.Entry kms(JsonNode config, String path, List<String> errors, KmsProviders kms) {
    int before = errors.size();
    String apiVersion = config.path("apiVersion").asText("v1");
    if (apiVersion.isEmpty()) {
      apiVersion = "v1";
    }
    String name = config.path("name").asText("");
    if (name.isEmpty()) {
      errors.add(path + ".name: Required value: name is a mandatory field for a provider");
    }
    if (!apiVersion.equals("v1") && name.contains(":")) {
      errors.add(path + ".name: Invalid value: \"" + name + "\": invalid KMS provider name " + name
          + ", must not contain ':'");
    }
    if (!apiVersion.equals("v1") && kms.names.contains(name)) {
      errors.add(path + ".name: Invalid value: \"" + name + "\": duplicate KMS provider name " + name
          + ", names must be unique");
    }
    kms.names.add(name);
    java.time.Duration timeout = java.time.Duration.ofSeconds(3);
    if (config.hasNonNull("timeout")) {
      String text = config.path("timeout").asText();
      try {
        timeout = GoDuration.parse(text);
      } catch (IllegalArgumentException e) {
        errors.add(path + ".timeout: Invalid value: \"" + text + "\": " + e.getMessage()); // kube: a decoding error
      }
      if (timeout.isZero() || timeout.isNegative()) {
        errors.add(path + ".timeout: Invalid value: " + GoDuration.format(timeout) + ": timeout should be a "
            + "positive value");
      }
    }
    String endpoint = config.path("endpoint").asText("");
    String socket = null;
    if (endpoint.isEmpty()) {
      errors.add(path + ".endpoint: Invalid value: \"\": endpoint is a mandatory field for a kms");
    } else {
      String scheme = endpoint.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? endpoint.substring(0, endpoint.indexOf(':'))
          : "";
      if (!scheme.equals("unix")) {
        errors.add(path + ".endpoint: Invalid value: \"" + endpoint + "\": unsupported scheme \"" + scheme
            + "\" for KMS provider, only unix is supported");
      } else {
        socket = socketPath(endpoint);
      }
    }
    if (config.hasNonNull("cachesize")) {
      int size = config.path("cachesize").asInt();
      if (!apiVersion.equals("v1")) {
        errors.add(path + ".cachesize: Invalid value: " + size + ": cachesize is not supported in v2");
      } else if (size == 0) {
        errors.add(path + ".cachesize: Invalid value: 0: cachesize should be a positive value, or negative to "
            + "disable");
      }
    }
    if (!apiVersion.equals("v1") && !apiVersion.equals("v2")) {
      errors.add(path + ".apiVersion: Invalid value: \"" + apiVersion + "\": unsupported apiVersion apiVersion for "
          + "KMS provider, only v1 and v2 are supported");
    }
    if (errors.size() > before) {
      return null;
    }
    if (apiVersion.equals("v1")) {
      kms.v1 = true;
      return null;
    }
    KmsV2Provider provider = new KmsV2Provider(name, socket, timeout);
    kms.v2.add(provider);
    return new PrefixTransformers.Entry(("k8s:enc:kms:v2:" + name + ":").getBytes(StandardCharsets.UTF_8), provider);
  }

  /**
   * kube's {@code util.ParseEndpoint}: the URL's path ({@code unix:///var/run/kms.sock}); {@code /@name} is a Linux
   * abstract socket, given as {@code @name}.
   */
  static String socketPath(String endpoint) {
    String path;
    try {
      java.net.URI u = new java.net.URI(endpoint);
      path = u.getPath() != null ? u.getPath() : u.getSchemeSpecificPart();
    } catch (java.net.URISyntaxException e) {
      path = endpoint.substring("unix:".length()).replaceFirst("^//[^/]*", "");
    }
    return path.startsWith("/@") ? path.substring(1) : path;
  }

  /** kube's {@code schema.ParseGroupResource}: {group, resource}, split at the first dot. */
  static String[] groupResource(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? new String[] {"", name} : new String[] {name.substring(dot + 1), name.substring(0, dot)};
  }

  /** A list as Go's {@code %#v} prints a []string. */
  private static String goStrings(List<String> names) {
    StringBuilder b = new StringBuilder("[]string{");
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
    }
    return b.append('}').toString();
  }
}
