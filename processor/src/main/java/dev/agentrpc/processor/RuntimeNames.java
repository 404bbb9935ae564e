package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;

/**
 * The types generated code refers to, by name: the processor never loads the runtime, gRPC or
 * protobuf, it only writes code that does.
 */
final class RuntimeNames {
  // dev.agentrpc.server: the controller side.
  static final ClassName CLIENTS = ClassName.get("dev.agentrpc.server", "Clients");
  static final ClassName CALLS = ClassName.get("dev.agentrpc.server", "Calls");
  static final ClassName RESULT = ClassName.get("dev.agentrpc.server", "Result");
  static final ClassName FAN_OUT = ClassName.get("dev.agentrpc.server", "FanOut");
  static final ClassName FAN_OUT_OPTIONS = ClassName.get("dev.agentrpc.server", "FanOutOptions");

  // dev.agentrpc.client: the agent side.
  static final ClassName HANDLER_REGISTRY = ClassName.get("dev.agentrpc.client", "HandlerRegistry");

  // io.grpc
  static final ClassName STATUS_RUNTIME_EXCEPTION =
      ClassName.get("io.grpc", "StatusRuntimeException");
  static final ClassName STATUS_EXCEPTION = ClassName.get("io.grpc", "StatusException");

  // com.google.protobuf
  static final String MESSAGE = "com.google.protobuf.Message";
  static final String MESSAGE_LITE = "com.google.protobuf.MessageLite";

  // The JDK
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final ClassName CHRONO_UNIT = ClassName.get("java.time.temporal", "ChronoUnit");
  static final ClassName COMPLETABLE_FUTURE =
      ClassName.get("java.util.concurrent", "CompletableFuture");
  static final ClassName COMPLETION_STAGE =
      ClassName.get("java.util.concurrent", "CompletionStage");
  static final ClassName EXECUTOR = ClassName.get("java.util.concurrent", "Executor");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");

  private RuntimeNames() {}
}
