package io.dekube.controllermanager.plugins;

/** A plugin jar that cannot be loaded, or whose CRDs or controllers cannot start; the message names the jar. */
public final class PluginException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
