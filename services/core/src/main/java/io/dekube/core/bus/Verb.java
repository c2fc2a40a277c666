package io.dekube.core.bus;

/** What a request asks the writer to do. Names as they appear in the envelope's {@code verb}. */
public enum Verb {
  CREATE("create"), GET("get"), LIST("list"), UPDATE("update"), UPDATE_STATUS("updateStatus"),
  PATCH("patch"), DELETE("delete");

  private final String wire;

  Verb(String wire) {
    this.wire = wire;
  }

  /** The envelope spelling. */
  public String wire() {
    return wire;
  }

  /** Parses the envelope spelling; {@code null} when unknown. */
  public static Verb fromWire(String s) {
    for (Verb v : values()) {
      if (v.wire.equals(s)) {
        return v;
      }
    }
    return null;
  }
}
