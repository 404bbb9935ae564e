package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The final list against what was streamed, with the run publishing while results are delivered. */
@Timeout(10)
class FanOutListTest {
  @Test
  void theListHoldsAResultPublishedWhileAnEarlierOneWasBeingDelivered() throws Exception {
    FanOut<StringValue> fanOut = new FanOut<>(Runnable::run, 2);
    Result<StringValue> first = Result.ok("a", StringValue.of("1"));
    Result<StringValue> last = Result.ok("b", StringValue.of("2"));
    List<Result<StringValue>> streamed = new ArrayList<>();
    fanOut.forEach(
        result -> {
          streamed.add(result);
          if (result == first) {
            // The run, on another thread in life, publishes the last result and finishes now.
            fanOut.publish(last);
            fanOut.finish();
          }
        });

    fanOut.publish(first);
    fanOut.requestDrain();

    assertThat(streamed).containsExactly(first, last);
    assertThat(fanOut.results().getNow(null)).as("the list").containsExactly(first, last);
  }
}
