package io.dekube.apiserver.rest;

import io.dekube.apiserver.codec.FieldValidation;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.function.Function;

/**
 * The query of a create, update or patch ({@code CreateOptions}, {@code UpdateOptions},
 * {@code PatchOptions}), validated as kube-apiserver does. Immutable.
 *
 * @param dryRun          {@code dryRun=All}: validate and answer, persist nothing
 * @param fieldManager    the manager name, null when absent
 * @param fieldValidation what to do with unknown and duplicate fields
 * @param force           apply patches: take over conflicting fields (null when absent)
 */
public record WriteParams(boolean dryRun, String fieldManager, FieldValidation fieldValidation, Boolean force) {

  /**
   * Reads and validates the query.
   *
   * @param query   the query parameter lookup (all values of a repeated parameter for dryRun)
   * @param dryRuns every {@code dryRun} value given
   * @param kind    {@code CreateOptions}, {@code UpdateOptions} or {@code PatchOptions}, for messages
   * @param apply   whether this is an apply patch ({@code fieldManager} required, {@code force} allowed)
   * @throws StatusException 400 for unreadable values, 422 Invalid for forbidden ones
   */
  public static WriteParams parse(Function<String, String> query, List<String> dryRuns, String kind, boolean apply) {
    Params p = new Params(query);
    Invalid errs = new Invalid("meta.k8s.io", kind);
    boolean dryRun = false;
    for (String d : dryRuns) {
      if (d.equals("All")) {
        dryRun = true;
      } else if (!d.isEmpty()) {
        errs.notSupported("dryRun", d, List.of("All"));
      }
    }
    String manager = p.get("fieldManager");
    if (manager != null && manager.length() > 128) {
      errs.invalid("fieldManager", manager, "must be no more than 128 characters");
    }
    if (apply && (manager == null || manager.isEmpty())) {
      errs.forbidden("fieldManager", "is required for apply patch");
    }
    Boolean force = p.optionalBool("force");
    if (force != null && !apply) {
      errs.forbidden("force", "may not be specified for non-apply patch");
    }
    errs.throwIfAny();
    return new WriteParams(dryRun, manager == null || manager.isEmpty() ? null : manager,
        FieldValidation.parse(p.get("fieldValidation")), force);
  }

  /**
   * kube-apiserver's manager for a write without {@code fieldManager}: the User-Agent up to its first
   * {@code /}, printable characters only, at most 128 bytes ({@code kubectl/v1.32.4 (linux/amd64)} is
   * {@code kubectl}); null when there is none.
   */
  public static String managerFromUserAgent(String userAgent) {
    if (userAgent == null) {
      return null;
    }
    int slash = userAgent.indexOf('/');
    String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < prefix.length(); ) {
      int cp = prefix.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isISOControl(cp) || !Character.isDefined(cp) || Character.getType(cp) == Character.FORMAT) {
        continue;
      }
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; // its UTF-8 length
      if (bytes + len > 128) {
        break;
      }
      bytes += len;
      sb.appendCodePoint(cp);
    }
    return sb.isEmpty() ? null : sb.toString();
  }
}
