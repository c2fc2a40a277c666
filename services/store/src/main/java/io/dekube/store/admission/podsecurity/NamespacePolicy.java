package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a namespace's {@code pod-security.kubernetes.io/<mode>[-version]} labels ask for, each mode
 * defaulting to the configured default ({@link PodSecurityConfig}; kube's own is {@code privileged:latest}). A
 * bad level makes enforce {@code restricted} (fail closed) and audit and warn {@code privileged}
 * (fail open), a bad version {@code latest}, as kube resolves them. Pure.
 */
public record NamespacePolicy(LevelVersion enforce, LevelVersion audit, LevelVersion warn) {

  static final String PREFIX = "pod-security.kubernetes.io/";
  static final String BAD_LEVEL = "must be one of privileged, baseline, restricted";
  static final String BAD_VERSION = "must be \"latest\" or \"v1.x\"";
  private static final Pattern VERSION = Pattern.compile("^v1\\.(0|[1-9][0-9]*)$");

  /** One label kube refuses: {@code metadata.labels[<label>]: Invalid value: "<value>": <detail>}. */
  public record LabelError(String label, String value, String detail) {
  }

  /** The policy and what was wrong with the labels (empty when nothing). */
  public record Parsed(NamespacePolicy policy, List<LabelError> errors) {
  }

  /** Whether every mode is privileged: nothing to check. */
  public boolean allPrivileged() {
    return enforce.level() == Level.PRIVILEGED && audit.level() == Level.PRIVILEGED && warn.level() == Level.PRIVILEGED;
  }

  /** The policy of a namespace object (null: the defaults) under kube's default configuration. */
  public static Parsed of(JsonNode namespace) {
    return of(namespace, PodSecurityConfig.DEFAULT.defaults());
  }

  /**
   * The policy of a namespace object (null: the defaults), where each mode's absent labels take the
   * configured {@code defaults} (a version label alone keeps the default level, and the reverse).
   */
  public static Parsed of(JsonNode namespace, NamespacePolicy defaults) {
    return parse(namespace == null ? null : namespace.path("metadata").path("labels"), defaults);
  }

  /** The policy the labels ask for under kube's default configuration. */
  public static Parsed parse(JsonNode labels) {
    return parse(labels, PodSecurityConfig.DEFAULT.defaults());
  }

  /** The policy the labels ask for, each absent label taking its mode's default. */
  public static Parsed parse(JsonNode labels, NamespacePolicy defaults) {
    List<LabelError> errors = new ArrayList<>();
    LevelVersion enforce = mode(labels, "enforce", defaults.enforce(), Level.RESTRICTED, errors);
    LevelVersion audit = mode(labels, "audit", defaults.audit(), Level.PRIVILEGED, errors);
    LevelVersion warn = mode(labels, "warn", defaults.warn(), Level.PRIVILEGED, errors);
    return new Parsed(new NamespacePolicy(enforce, audit, warn), List.copyOf(errors));
  }

  private static LevelVersion mode(JsonNode labels, String mode, LevelVersion fallback, Level onError,
                                   List<LabelError> errors) {
    LevelVersion lv = fallback;
    if (labels == null || !labels.isObject()) {
      return lv;
    }
    JsonNode level = labels.get(PREFIX + mode);
    if (level != null) {
      Level l = Level.parse(level.asText());
      if (l == null) {
        errors.add(new LabelError(PREFIX + mode, level.asText(), BAD_LEVEL));
      }
      lv = lv.withLevel(l == null ? onError : l);
    }
    JsonNode version = labels.get(PREFIX + mode + "-version");
    if (version != null) {
      Integer minor = minor(version.asText());
      if (minor == null) {
        errors.add(new LabelError(PREFIX + mode + "-version", version.asText(), BAD_VERSION));
      }
      lv = lv.withMinor(minor == null ? LevelVersion.LATEST : minor);
    }
    return lv;
  }

  /** The minor version of {@code latest} or {@code v1.N}; null when it is neither. */
  static Integer minor(String version) {
    if (version.equals("latest")) {
      return LevelVersion.LATEST;
    }
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      return null;
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
