package test;

import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.annotations.AgentService;

/** Deprecated, with deprecated methods: generated code still compiles under -Werror. */
@Deprecated
@AgentService
interface Deprecations {
  @Deprecated
  StringValue old(StringValue request);

  @Deprecated(forRemoval = true)
  Int32Value gone(Int32Value request);

  Empty current(Empty request);
}
