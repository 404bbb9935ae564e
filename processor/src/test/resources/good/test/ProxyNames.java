package test;

import com.google.protobuf.BoolValue;
import com.google.protobuf.BytesValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Empty;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.agentrpc.annotations.AgentService;

/** Method names that the proxy's, its views' and its own methods share without clashing. */
@AgentService
interface ProxyNames {
  Int32Value count(StringValue request);

  Int32Value countAll(Int32Value request);

  Int32Value countAsync(Int64Value request);

  StringValue of(BoolValue request);

  StringValue forClient(BytesValue request);

  StringValue withTimeout(DoubleValue request);

  StringValue withExecutor(FloatValue request);

  StringValue async(UInt32Value request);

  StringValue all(UInt64Value request);

  StringValue timeoutOr(Empty request);

  StringValue fanOut(Struct request);
}
