package dev.agentrpc.it;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.rpc.ErrorInfo;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoRequest;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/** Handlers that fail in chosen ways, on well-known types, and a request no handler can parse. */
final class Failures {
  /** What the StringValue handler fails with: a code, a message and a detail. */
  static final com.google.rpc.Status RICH =
      com.google.rpc.Status.newBuilder()
          .setCode(Status.Code.FAILED_PRECONDITION.value())
          .setMessage("disk full")
          .addDetails(
              Any.pack(
                  ErrorInfo.newBuilder()
                      .setReason("DISK_FULL")
                      .setDomain("agentrpc.dev")
                      .putMetadata("volume", "data")
                      .build()))
          .build();
  /** In the message of the BoolValue handler's exception, which must not reach the wire. */
  static final String SECRET = "secret internal detail";

  private Failures() {}

  /**
   * Adds to {@code registry}: BoolValue, whose handler throws an IllegalStateException; and
   * StringValue, whose handler fails with {@link #RICH}.
   */
  static HandlerRegistry register(HandlerRegistry registry) {
    return registry
        .register(
            BoolValue.getDefaultInstance(),
            request -> {
              throw new IllegalStateException(SECRET);
            })
        .register(
            StringValue.getDefaultInstance(),
            request -> {
              throw StatusProto.toStatusException(RICH);
            });
  }

  /**
   * A request whose type name is {@code agentrpc.it.v1.EchoRequest} but whose text is bytes that
   * are not UTF-8, so that it does not parse as the real EchoRequest.
   */
  static Message unparsableEchoRequest() {
    Descriptors.Descriptor impostor;
    try {
      impostor =
          Descriptors.FileDescriptor.buildFrom(
                  FileDescriptorProto.newBuilder()
                      .setName("impostor.proto")
                      .setPackage(EchoRequest.getDescriptor().getFile().getPackage())
                      .setSyntax("proto3")
                      .addMessageType(
                          DescriptorProto.newBuilder()
                              .setName(EchoRequest.getDescriptor().getName())
                              .addField(
                                  FieldDescriptorProto.newBuilder()
                                      .setName("text")
                                      .setNumber(EchoRequest.TEXT_FIELD_NUMBER)
                                      .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                                      .setType(FieldDescriptorProto.Type.TYPE_BYTES)))
                      .build(),
                  new Descriptors.FileDescriptor[0])
              .findMessageTypeByName(EchoRequest.getDescriptor().getName());
    } catch (Descriptors.DescriptorValidationException e) {
      throw new AssertionError(e);
    }
    return DynamicMessage.newBuilder(impostor)
        .setField(impostor.findFieldByName("text"), ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe}))
        .build();
  }
}
