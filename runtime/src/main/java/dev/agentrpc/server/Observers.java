package dev.agentrpc.server;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link CallObserver}s of one Clients, and the start and end of an observed call. */
final class Observers {
  private static final Logger logger = LoggerFactory.getLogger(Observers.class);

  private final CallObserver[] observers;

  Observers(List<CallObserver> observers) {
    this.observers = observers.toArray(new CallObserver[0]);
  }

  boolean isEmpty() {
    return observers.length == 0;
  }

  /**
   * Tells every observer that a call starts; returns what hears its end and, in {@code
   * metadata}, what the observers want sent with the request.
   */
  List<CallObserver.Call> start(String client, String typeUrl, Map<String, String> metadata) {
    String method = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    List<CallObserver.Call> calls = new ArrayList<>(observers.length);
    for (CallObserver observer : observers) {
      try {
        CallObserver.Call call = observer.onStart(client, method, metadata);
        if (call != null) {
          calls.add(call);
        }
      } catch (RuntimeException e) {
        logger.warn("CallObserver {} threw on the start of a call to '{}'", observer, client, e);
      }
    }
    return calls;
  }

  /**
   * What the observers carry from this thread to a later start ({@link
   * CallObserver#carryContext}), as one wrapper; null if none carries anything.
   */
  UnaryOperator<Runnable> carryContexts() {
    UnaryOperator<Runnable> all = null;
    for (CallObserver observer : observers) {
      UnaryOperator<Runnable> carried;
      try {
        carried = observer.carryContext();
      } catch (RuntimeException e) {
        logger.warn("CallObserver {} threw capturing the context of a fan-out", observer, e);
        continue;
      }
      if (carried != null) {
        UnaryOperator<Runnable> before = all;
        all = before == null ? carried : task -> before.apply(carried.apply(task));
      }
    }
    return all;
  }

  /** Observes a call that could not start: it ends at once with {@code status}. */
  void refused(String client, String typeUrl, Status status) {
    for (CallObserver.Call call : start(client, typeUrl, new HashMap<>())) {
      end(call, status);
    }
  }

  static void end(CallObserver.Call call, Status status) {
    try {
      call.onEnd(status);
    } catch (RuntimeException e) {
      logger.warn("CallObserver.Call {} threw on the end of a call", call, e);
    }
  }
}
