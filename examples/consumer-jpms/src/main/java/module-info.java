/** A JPMS application using agentrpc: the generated proxy and handlers compile in a named module. */
// protobuf-java and gRPC publish only Automatic-Module-Names, as agentrpc's jars do.
@SuppressWarnings("requires-automatic")
module com.example.jpms {
  requires dev.agentrpc.annotations;
  requires dev.agentrpc.runtime;
  requires com.google.protobuf;
  requires io.grpc;
}
