package io.dekube.apiserver.codec.proto;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The message descriptors of the Kubernetes protobuf types, taken from the generated classes of
 * {@code io.kubernetes:client-java-proto}: lookup by apiVersion and kind
 * ({@code apps/v1}, {@code Deployment} → {@code k8s.io.api.apps.v1.Deployment}). Immutable after
 * class initialisation; thread-safe.
 */
final class ProtoDescriptors {

  private static final List<String> OUTER_CLASSES = List.of("Meta", "Runtime", "IntStr", "Resource", "V1", "V1Apps",
      "V1Networking", "V1Rbac", "V1Policy", "V1Batch", "V1Autoscaling", "V1Storage", "V1Scheduling",
      "V1Authentication", "V1Authorization", "V1Certificates", "V1Admissionregistration", "V1beta1Apps",
      "V1beta2Apps", "V1beta1Extensions", "V1beta1Apiextensions", "V1beta1Policy", "V1beta1Batch", "V1beta1Rbac",
      "V1beta1Storage", "V1beta1Certificates", "V1beta1Admissionregistration", "V2beta1Autoscaling",
      "V2beta2Autoscaling");
  private static final Map<String, Descriptor> BY_NAME = new HashMap<>();

  static {
    for (String outer : OUTER_CLASSES) {
      try {
        Class<?> c = Class.forName("io.kubernetes.client.proto." + outer);
        Method m = c.getMethod("getDescriptor");
        FileDescriptor fd = (FileDescriptor) m.invoke(null);
        for (Descriptor d : fd.getMessageTypes()) {
          BY_NAME.put(d.getFullName(), d);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // a generated class this version of client-java-proto does not ship: its kinds stay unknown
      }
    }
    try {
      for (Descriptor d : EventsV1Proto.descriptor().getMessageTypes()) {
        BY_NAME.put(d.getFullName(), d);
      }
    } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("events.k8s.io/v1 protobuf descriptors: " + e.getMessage(), e);
    }
  }

  private ProtoDescriptors() {
  }

  /** The proto package of a group-version: {@code k8s.io.api.apps.v1}, {@code k8s.io.api.core.v1}. */
  static String protoPackage(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return "k8s.io.api.core." + apiVersion;
    }
    String group = apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    if (group.equals("meta.k8s.io")) {
      return "k8s.io.apimachinery.pkg.apis.meta." + version;
    }
    if (group.equals("apiextensions.k8s.io")) {
      return "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions." + version;
    }
    String first = group.contains(".") ? group.substring(0, group.indexOf('.')) : group;
    return "k8s.io.api." + first + "." + version;
  }

  /** The descriptor of a kind under an apiVersion, if the generated classes know it. */
  static Optional<Descriptor> forKind(String apiVersion, String kind) {
    Descriptor d = BY_NAME.get(protoPackage(apiVersion) + "." + kind);
    if (d == null && (kind.equals("DeleteOptions") || kind.equals("Status"))) {
      d = BY_NAME.get("k8s.io.apimachinery.pkg.apis.meta.v1." + kind);
    }
    return Optional.ofNullable(d);
  }
}
