package io.dekube.store.admission.podsecurity;

/** The three Pod Security Standards, from the least to the most strict. */
public enum Level {
  PRIVILEGED("privileged"), BASELINE("baseline"), RESTRICTED("restricted");

  private final String label;

  Level(String label) {
    this.label = label;
  }

  /** The value the namespace labels use ({@code baseline}). */
  public String label() {
    return label;
  }

  /** The level a label value names, or null when it names none. */
  static Level parse(String value) {
    for (Level l : values()) {
      if (l.label.equals(value)) {
        return l;
      }
    }
    return null;
  }
}
