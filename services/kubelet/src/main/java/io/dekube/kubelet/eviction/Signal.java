package io.dekube.kubelet.eviction;

import java.util.Optional;

/**
 * kube's eviction signals ({@code pkg/kubelet/eviction/api}): each names the resource it reclaims (kube's
 * {@code signalToResource}) and the node condition it reports when its threshold is met ({@code
 * signalToNodeCondition}). Every one is accepted in the flags; dekube observes {@code memory.available},
 * {@code nodefs.available}, {@code nodefs.inodesFree} and {@code pid.available} ({@link NodeSignals}).
 */
public enum Signal {
  MEMORY_AVAILABLE("memory.available", "memory", "MemoryPressure"),
  ALLOCATABLE_MEMORY_AVAILABLE("allocatableMemory.available", "memory", "MemoryPressure"),
  NODEFS_AVAILABLE("nodefs.available", "ephemeral-storage", "DiskPressure"),
  NODEFS_INODES_FREE("nodefs.inodesFree", "inodes", "DiskPressure"),
  IMAGEFS_AVAILABLE("imagefs.available", "ephemeral-storage", "DiskPressure"),
  IMAGEFS_INODES_FREE("imagefs.inodesFree", "inodes", "DiskPressure"),
  CONTAINERFS_AVAILABLE("containerfs.available", "ephemeral-storage", "DiskPressure"),
  CONTAINERFS_INODES_FREE("containerfs.inodesFree", "inodes", "DiskPressure"),
  PID_AVAILABLE("pid.available", "pids", "PIDPressure");

  private final String text;
  private final String resource;
  private final String condition;

  Signal(String text, String resource, String condition) {
    this.text = text;
    this.resource = resource;
    this.condition = condition;
  }

  /** The signal of a flag's key ({@code memory.available}); empty when kube has no such signal. */
  public static Optional<Signal> of(String text) {
    for (Signal s : values()) {
      if (s.text.equals(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The resource it reclaims: {@code memory}, {@code ephemeral-storage}, {@code inodes}, {@code pids}. */
  public String resource() {
    return resource;
  }

  /** The node condition it reports: {@code MemoryPressure}, {@code DiskPressure}, {@code PIDPressure}. */
  public String condition() {
    return condition;
  }

  /** Whether its amounts are bytes (printed as Go's BinarySI quantities) rather than counts. */
  boolean bytes() {
    return resource.equals("memory") || resource.equals("ephemeral-storage");
  }

  @Override
  public String toString() {
    return text;
  }
}
