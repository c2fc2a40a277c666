package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.store.admission.FieldErrors;
import io.dekube.store.admission.Validators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration of kube-apiserver's {@code PodSecurity} admission plugin, as the {@code PodSecurity} entry of
 * an {@code --admission-control-config-file} gives it: the policy of a namespace without the
 * {@code pod-security.kubernetes.io/<mode>[-version]} labels ({@code defaults}), and the requests exempt from
 * the checks ({@code exemptions}: a pod in one of the {@code namespaces}, of one of the {@code runtimeClasses},
 * or written by one of the {@code usernames}). {@link #DEFAULT} is kube's own: privileged everywhere, nothing
 * exempt. Immutable.
 *
 * @param defaults       each mode's level and version where its labels are absent
 * @param usernames      exempt users (the writer knows them from the requests' {@code user})
 * @param runtimeClasses exempt runtime class names
 * @param namespaces     exempt namespaces
 */
public record PodSecurityConfig(NamespacePolicy defaults, Set<String> usernames, Set<String> runtimeClasses,
                                Set<String> namespaces) {

  /** kube's default: every mode {@code privileged:latest}, no exemptions. */
  public static final PodSecurityConfig DEFAULT = new PodSecurityConfig(
      new NamespacePolicy(LevelVersion.PRIVILEGED, LevelVersion.PRIVILEGED, LevelVersion.PRIVILEGED),
      Set.of(), Set.of(), Set.of());

  static final String PLUGIN = "PodSecurity";
  private static final String ADMISSION_KIND = "AdmissionConfiguration";
  private static final Set<String> ADMISSION_VERSIONS = Set.of("apiserver.config.k8s.io/v1",
      "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1");
  private static final String GROUP = "pod-security.admission.config.k8s.io";
  private static final Set<String> VERSIONS = Set.of(GROUP + "/v1", GROUP + "/v1beta1", GROUP + "/v1alpha1");
  private static final String KIND = "PodSecurityConfiguration";

  public PodSecurityConfig {
    usernames = Set.copyOf(usernames);
    runtimeClasses = Set.copyOf(runtimeClasses);
    namespaces = Set.copyOf(namespaces);
  }

  /** Whether requests of the user {@code username} are exempt (null: an unknown user is not). */
  public boolean exemptUser(String username) {
    return username != null && usernames.contains(username);
  }

  /** Whether pods in {@code namespace} are exempt. */
  public boolean exemptNamespace(String namespace) {
    return namespaces.contains(namespace);
  }

  /** Whether a pod (or pod template) with this spec is exempt by its {@code runtimeClassName}. */
  public boolean exemptRuntimeClass(JsonNode podSpec) {
    JsonNode rc = podSpec == null ? null : podSpec.get("runtimeClassName");
    return rc != null && rc.isTextual() && runtimeClasses.contains(rc.asText());
  }

  /**
   * The PodSecurity configuration of an {@code AdmissionConfiguration} file (YAML or JSON): its {@code PodSecurity}
   * plugin's inline {@code configuration}, or the file its {@code path} names (relative to this file's folder);
   * {@link #DEFAULT} when the file has no such plugin. A file that cannot be read or is not valid fails with
   * kube-apiserver's words (an IllegalArgumentException).
   */
  public static PodSecurityConfig load(Path file) {
    JsonNode doc = read(file);
    if (doc == null || !doc.isObject() || !ADMISSION_KIND.equals(doc.path("kind").asText())
        || !ADMISSION_VERSIONS.contains(doc.path("apiVersion").asText())) {
      // kube reads any other document as the legacy per-plugin map; dekube knows only AdmissionConfiguration
      throw new IllegalArgumentException("failed to read plugin config: " + file + " is not an "
          + "apiserver.config.k8s.io/v1 AdmissionConfiguration (apiVersion \"" + doc.path("apiVersion").asText("")
          + "\", kind \"" + doc.path("kind").asText("") + "\")");
    }
    for (JsonNode plugin : doc.path("plugins")) {
      if (!PLUGIN.equals(plugin.path("name").asText())) {
        continue;
      }
      JsonNode inline = plugin.get("configuration");
      if (inline != null && !inline.isNull()) {
        return parse(inline);
      }
      String path = plugin.path("path").asText("");
      if (!path.isEmpty()) {
        Path p = Path.of(path);
        Path resolved = p.isAbsolute() || file.getParent() == null ? p : file.getParent().resolve(p);
        return parse(read(resolved));
      }
    }
    return DEFAULT;
  }

  private static JsonNode read(Path file) {
    try {
      return Json.YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("unable to read admission control configuration from \"" + file + "\" ["
          + e.getMessage() + "]", e);
    }
  }

  /**
   * A {@code PodSecurityConfiguration} object; its empty or absent fields take kube's defaults (privileged,
   * latest, no exemptions). Fails as kube-apiserver's start does: {@code couldn't init admission plugin
   * "PodSecurity": ...} when it does not decode, {@code failed to initialize admission plugin "PodSecurity":
   * PodSecurity invalid: ...} with kube's field errors when it is not valid.
   */
  public static PodSecurityConfig parse(JsonNode cfg) {
    if (cfg == null || cfg.isNull() || cfg.isMissingNode()) {
      return DEFAULT;
    }
    String apiVersion = cfg.path("apiVersion").asText("");
    String kind = cfg.path("kind").asText("");
    if (!cfg.isObject() || apiVersion.isEmpty() || kind.isEmpty()) {
      throw couldNotInit("Object 'Kind' is missing in '" + cfg + "'");
    }
    if (!VERSIONS.contains(apiVersion) || !KIND.equals(kind)) {
      throw couldNotInit("no kind \"" + kind + "\" is registered for version \"" + apiVersion
          + "\" in scheme \"k8s.io/pod-security-admission/admission/api/scheme/scheme.go:28\"");
    }
    FieldErrors errs = new FieldErrors();
    JsonNode d = cfg.path("defaults");
    LevelVersion enforce = mode(d, "enforce", errs);
    LevelVersion warn = mode(d, "warn", errs);
    LevelVersion audit = mode(d, "audit", errs);
    JsonNode ex = cfg.path("exemptions");
    Set<String> namespaces = names(ex, "namespaces", Validators::dns1123Label, errs);
    Set<String> runtimeClasses = names(ex, "runtimeClasses", Validators::dns1123Subdomain, errs);
    Set<String> usernames = names(ex, "usernames", null, errs);
    if (!errs.isEmpty()) {
      List<String> messages = errs.all().stream().map(FieldErrors.FieldError::message).toList();
      String aggregate = messages.size() == 1 ? messages.get(0) : "[" + String.join(", ", messages) + "]";
      throw new IllegalArgumentException("failed to initialize admission plugin \"" + PLUGIN + "\": " + PLUGIN
          + " invalid: " + aggregate);
    }
    return new PodSecurityConfig(new NamespacePolicy(enforce, audit, warn), usernames, runtimeClasses, namespaces);
  }

  private static IllegalArgumentException couldNotInit(String detail) {
    return new IllegalArgumentException("couldn't init admission plugin \"" + PLUGIN + "\": " + detail);
  }

  /** One mode of {@code defaults}: empty is {@code privileged} / {@code latest}, as kube's defaulting. */
  private static LevelVersion mode(JsonNode defaults, String mode, FieldErrors errs) {
    String level = defaults.path(mode).asText("");
    String version = defaults.path(mode + "-version").asText("");
    Level l = level.isEmpty() ? Level.PRIVILEGED : Level.parse(level);
    if (l == null) {
      errs.invalid("defaults." + mode, level, NamespacePolicy.BAD_LEVEL);
    }
    Integer minor = version.isEmpty() ? Integer.valueOf(LevelVersion.LATEST) : NamespacePolicy.minor(version);
    if (minor == null) {
      errs.invalid("defaults." + mode + "-version", version, NamespacePolicy.BAD_VERSION);
    }
    return new LevelVersion(l == null ? Level.PRIVILEGED : l, minor == null ? LevelVersion.LATEST : minor);
  }

  /** The exempt names of one list, each valid and once, as kube validates them. */
  private static Set<String> names(JsonNode exemptions, String field, java.util.function.Function<String,
      List<String>> check, FieldErrors errs) {
    Set<String> valid = new LinkedHashSet<>();
    JsonNode list = exemptions.path(field);
    for (int i = 0; i < list.size(); i++) {
      String name = list.get(i).asText("");
      String path = "exemptions." + field + "[" + i + "]";
      List<String> problems = check == null ? List.of() : new ArrayList<>(check.apply(name));
      if (check == null && name.isEmpty()) {
        errs.required(path, "");
      } else if (!problems.isEmpty()) {
        errs.invalid(path, name, String.join(", ", problems));
      } else if (!valid.add(name)) {
        errs.duplicate(path, Json.MAPPER.getNodeFactory().textNode(name));
      }
    }
    return valid;
  }
}
