package io.dekube.controller.api;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A write or read the store refused, as kube's API errors: the HTTP code, the {@code reason}
 * ({@code NotFound}, {@code AlreadyExists}, {@code Conflict}, {@code Invalid}...) and the message.
 * Immutable.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;

  public ApiException(int code, String reason, String message) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  /** The HTTP status code (404, 409, 422...). */
  public int code() {
    return code;
  }

  /** kube's reason: {@code NotFound}, {@code AlreadyExists}, {@code Conflict}, {@code Invalid}... */
  public String reason() {
    return reason;
  }

  /** The object does not exist (404). */
  public boolean isNotFound() {
    return code == 404;
  }

  /** An object of that name already exists (409 AlreadyExists). */
  public boolean isAlreadyExists() {
    return code == 409 && "AlreadyExists".equals(reason);
  }

  /** The write lost an optimistic-concurrency race (409 Conflict): read again and retry, or let the loop retry. */
  public boolean isConflict() {
    return code == 409 && "Conflict".equals(reason);
  }

  /** The ApiException a stage failed with, unwrapped from {@link CompletionException} / {@link ExecutionException}. */
  public static Optional<ApiException> of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ApiException e ? Optional.of(e) : Optional.empty();
  }

  /** Whether a stage failed because the object does not exist. */
  public static boolean isNotFound(Throwable failure) {
    return of(failure).map(e -> e.isNotFound()).orElse(false);
  }

  @Override
  public String toString() {
    return "ApiException " + code + " " + reason + ": " + getMessage();
  }
}
