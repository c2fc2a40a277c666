package io.dekube.store.admission.webhook;

import io.dekube.store.admission.Validators;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit annotations admission adds to one request, as kube's {@code admission.Attributes} keeps them
 * ({@code AddAnnotation}, {@code AddAnnotationWithLevel}) for its audit handler to copy into the request's audit
 * event: a webhook's {@code auditAnnotations} as {@code <webhook>/<key>}, the mutating webhooks'
 * {@code mutation.webhook.admission.k8s.io/round_R_index_I} and {@code patch.webhook.admission.k8s.io/...} (this one
 * only in events at the Request level and above), {@code failed-open...}, a ValidatingAdmissionPolicy's
 * {@code <policy>/<key>} and {@code validation.policy.admission.k8s.io/validation_failure}, PodSecurity's. As kube's:
 * a key must be a qualified name with a prefix ({@code prefix/name}), and a key keeps its first value (another one
 * is refused and logged). {@link #NONE} drops everything, for requests that are not audited. Thread-safe (the
 * validating webhooks answer side by side).
 */
public final class AuditAnnotations {

  private static final Logger LOG = LoggerFactory.getLogger(AuditAnnotations.class);

  /** Nothing is kept: the request is not audited. */
  public static final AuditAnnotations NONE = new AuditAnnotations(false);

  private record Entry(String value, boolean requestLevel) {
  }

  private final boolean keeps;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private AuditAnnotations(boolean keeps) {
    this.keeps = keeps;
  }

  /** A new, empty set of one request's annotations. */
  public static AuditAnnotations collecting() {
    return new AuditAnnotations(true);
  }

  /** Whether anything added is kept (not {@link #NONE}): what is computed only for the annotations can be skipped. */
  public boolean keeps() {
    return keeps;
  }

  /** kube's {@code AddAnnotation}: {@code key} at the Metadata level; false (logged) when refused. */
  public boolean add(String key, String value) {
    return add(key, value, false);
  }

  /**
   * kube's {@code AddAnnotationWithLevel}: {@code key} in events of the Request level and above when
   * {@code requestLevel}, else of every level; false (logged) when the key is not {@code prefix/qualified-name} or
   * already has another value.
   */
  public boolean add(String key, String value, boolean requestLevel) {
    if (!keeps) {
      return true;
    }
    String malformed = malformed(key);
    if (malformed != null) {
      LOG.warn("failed to set admission audit annotation {} to {}: {}", key, value, malformed);
      return false;
    }
    Entry e = new Entry(value, requestLevel);
    synchronized (this) {
      Entry old = entries.putIfAbsent(key, e);
      if (old != null && !old.equals(e)) {
        LOG.warn("admission annotations are not allowed to be overwritten, key:\"{}\", old value: {}, new value: {}",
            key, old.value(), value);
        return false;
      }
    }
    return true;
  }

  /** Every annotation a {@code Metadata} event shows, or with {@code requestLevel} a Request or RequestResponse one. */
  public synchronized Map<String, String> visible(boolean requestLevel) {
    Map<String, String> out = new LinkedHashMap<>();
    entries.forEach((k, e) -> {
      if (requestLevel || !e.requestLevel()) {
        out.put(k, e.value());
      }
    });
    return out;
  }

  /** kube's {@code checkKeyFormat}: exactly one {@code /}, and a qualified name; null when the key is good. */
  private static String malformed(String key) {
    if (key.split("/", -1).length != 2) {
      return "annotation key has invalid format, the right format is a DNS subdomain prefix and '/' and key name. "
          + "(e.g. 'podsecuritypolicy.admission.k8s.io/admit-policy')";
    }
    if (!Validators.qualifiedName(key).isEmpty()) {
      return "annotation key has invalid format " + key
          + ". A qualified name like 'podsecuritypolicy.admission.k8s.io/admit-policy' is required.";
    }
    return null;
  }
}
