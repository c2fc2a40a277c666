package io.dekube.store.admission.podsecurity;

/**
 * A level and the policy version it is evaluated at: {@code latest}, or {@code v1.N} (the checks as they
 * were in Kubernetes 1.N). Printed as kube prints it in its messages: {@code baseline:latest}.
 *
 * @param level the level
 * @param minor the minor version, {@link #LATEST} for {@code latest}
 */
public record LevelVersion(Level level, int minor) {

  /** The minor version that stands for {@code latest}: newer than any real one. */
  public static final int LATEST = Integer.MAX_VALUE;

  /** {@code privileged:latest}, what an unlabelled namespace gets. */
  public static final LevelVersion PRIVILEGED = new LevelVersion(Level.PRIVILEGED, LATEST);

  LevelVersion withLevel(Level l) {
    return new LevelVersion(l, minor);
  }

  LevelVersion withMinor(int m) {
    return new LevelVersion(level, m);
  }

  @Override
  public String toString() {
    return level.label() + ":" + (minor == LATEST ? "latest" : "v1." + minor);
  }
}
