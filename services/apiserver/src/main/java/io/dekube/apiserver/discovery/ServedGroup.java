package io.dekube.apiserver.discovery;

import java.util.List;
import java.util.Optional;

/**
 * One API group as discovery lists it: its versions, the preferred one first. Immutable.
 *
 * @param name     the group, "" for the core (legacy) group
 * @param versions the served versions in kube's order of preference; the first is preferred
 */
public record ServedGroup(String name, List<ServedVersion> versions) {

  /** Resources of one version of a group. */
  public record ServedVersion(String version, List<ServedResource> resources) {
  }

  /** The preferred version. */
  public ServedVersion preferred() {
    return versions.get(0);
  }

  /** {@code group/version}, or {@code version} for the core group. */
  public String groupVersion(String version) {
    return name.isEmpty() ? version : name + "/" + version;
  }

  /** The named version, if served. */
  public Optional<ServedVersion> version(String version) {
    return versions.stream().filter(v -> v.version().equals(version)).findFirst();
  }
}
