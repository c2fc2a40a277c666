package io.dekube.scheduler.framework;

/** A scheduler configuration or plugin jar that cannot be used; the message names the file and the problem. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
