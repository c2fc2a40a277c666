package io.dekube.apiserver.codec.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;

/**
 * The protobuf messages of {@code events.k8s.io/v1} ({@code k8s.io.api.events.v1}: Event, EventList,
 * EventSeries), which the generated classes of client-java-proto do not ship: built here with kube's
 * field numbers (k8s.io/api/events/v1/generated.proto) on the meta and core descriptors they import.
 */
final class EventsV1Proto {

  private static final String META = ".k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String CORE = ".k8s.io.api.core.v1.";
  private static final String PKG = "k8s.io.api.events.v1";

  private EventsV1Proto() {
  }

  static FileDescriptor descriptor() throws DescriptorValidationException {
    FileDescriptor meta = io.kubernetes.client.proto.Meta.getDescriptor();
    FileDescriptor core = io.kubernetes.client.proto.V1.getDescriptor();
    DescriptorProto event = DescriptorProto.newBuilder().setName("Event")
        .addField(message("metadata", 1, META + "ObjectMeta"))
        .addField(message("eventTime", 2, META + "MicroTime"))
        .addField(message("series", 3, "." + PKG + ".EventSeries"))
        .addField(string("reportingController", 4))
        .addField(string("reportingInstance", 5))
        .addField(string("action", 6))
        .addField(string("reason", 7))
        .addField(message("regarding", 8, CORE + "ObjectReference"))
        .addField(message("related", 9, CORE + "ObjectReference"))
        .addField(string("note", 10))
        .addField(string("type", 11))
        .addField(message("deprecatedSource", 12, CORE + "EventSource"))
        .addField(message("deprecatedFirstTimestamp", 13, META + "Time"))
        .addField(message("deprecatedLastTimestamp", 14, META + "Time"))
        .addField(field("deprecatedCount", 15, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
        .build();
    DescriptorProto list = DescriptorProto.newBuilder().setName("EventList")
        .addField(message("metadata", 1, META + "ListMeta"))
        .addField(field("items", 2, Type.TYPE_MESSAGE, Label.LABEL_REPEATED).toBuilder()
            .setTypeName("." + PKG + ".Event"))
        .build();
    DescriptorProto series = DescriptorProto.newBuilder().setName("EventSeries")
        .addField(field("count", 1, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
        .addField(message("lastObservedTime", 2, META + "MicroTime"))
        .build();
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("k8s.io/api/events/v1/generated.proto")
        .setPackage(PKG).setSyntax("proto2").addDependency(meta.getName()).addDependency(core.getName())
        .addMessageType(event).addMessageType(list).addMessageType(series).build();
    return FileDescriptor.buildFrom(file, new FileDescriptor[] {meta, core});
  }

  private static FieldDescriptorProto string(String name, int number) {
    return field(name, number, Type.TYPE_STRING, Label.LABEL_OPTIONAL);
  }

  private static FieldDescriptorProto message(String name, int number, String type) {
    return field(name, number, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL).toBuilder().setTypeName(type).build();
  }

  private static FieldDescriptorProto field(String name, int number, Type type, Label label) {
    return FieldDescriptorProto.newBuilder().setName(name).setJsonName(name).setNumber(number).setType(type)
        .setLabel(label).build();
  }
}
