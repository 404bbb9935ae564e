package dev.agentrpc.transport.http;

import dev.agentrpc.internal.WireStatus;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.server.identity.JoinRequest;
import dev.agentrpc.transport.poll.PollExchange;
import dev.agentrpc.transport.poll.PollSessions;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.Status;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 binding of the poll transports, as a Jakarta async servlet: each POST carries
 * one {@code PollRequest} as protobuf bytes and is answered with one {@code PollResponse}, by
 * the same {@link PollSessions} the gRPC binding serves. Mount it in any Servlet 6 container
 * (Jetty, Tomcat, Spring Boot) with async support on, behind the container's TLS (HTTPS):
 *
 * <pre>{@code
 * ServletHolder poll = new ServletHolder(new PollServlet(sessions));
 * poll.setAsyncSupported(true);
 * context.addServlet(poll, "/agentrpc/poll");
 * }</pre>
 *
 * <p>A held poll holds no container thread: the request is put in async mode and answered
 * from the session. The join policy sees the peer's address and the {@code authorization}
 * header (bearer tokens); it sees no TLS session, so mTLS certificate policies do not apply
 * here. A failed poll is answered with an HTTP error status, the gRPC code in the {@code
 * agentrpc-status} header, and the {@code google.rpc.Status} as the body.
 */
public final class PollServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger logger = LoggerFactory.getLogger(PollServlet.class);
  /** How much longer than the sessions' longest hold the container keeps a poll open. */
  private static final Duration ASYNC_GRACE = Duration.ofSeconds(10);

  private final transient PollSessions sessions;
  private final int maxPollBytes;

  /** Serves {@code sessions}; polls up to 4 MiB, as gRPC's default limit. */
  public PollServlet(PollSessions sessions) {
    this(sessions, 4 * 1024 * 1024);
  }

  /** Serves {@code sessions}; a poll over {@code maxPollBytes} is refused RESOURCE_EXHAUSTED. */
  public PollServlet(PollSessions sessions, int maxPollBytes) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    if (maxPollBytes < 1) {
      throw new IllegalArgumentException("maxPollBytes must be at least 1, was " + maxPollBytes);
    }
    this.maxPollBytes = maxPollBytes;
    if (JoinPolicies.isAnyName(sessions.joinPolicy())) {
      logger.warn(
          "agents' names are self-asserted: anyone who can reach this servlet can join as, and"
              + " replace, any agent. Set PollSessions.Builder.joinPolicy (bearer tokens) unless the"
              + " network is trusted; see SECURITY.md");
    }
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    PollRequest poll;
    try (InputStream body = request.getInputStream()) {
      byte[] bytes = body.readNBytes(maxPollBytes + 1);
      if (bytes.length > maxPollBytes) {
        fail(response, Status.RESOURCE_EXHAUSTED.withDescription("a poll is at most " + maxPollBytes + " bytes"));
        return;
      }
      poll = PollRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      fail(response, Status.INVALID_ARGUMENT.withDescription("the body is not an agentrpc.v1.PollRequest"));
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(0); // the session bounds the hold; the listener below covers a peer that left
    Exchange exchange = new Exchange(async);
    // The listener goes on first: the session may answer before poll() returns.
    AtomicReference<PollSessions.Pending> pending = new AtomicReference<>(() -> {});
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {}

          @Override
          public void onTimeout(AsyncEvent event) {
            pending.get().abandon();
            exchange.fail(Status.DEADLINE_EXCEEDED.withDescription("the poll was held too long"));
          }

          @Override
          public void onError(AsyncEvent event) {
            pending.get().abandon();
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    pending.set(sessions.poll(poll, peer(request), exchange));
  }

  /** What the join policy sees of the poll's peer: its address and its authorization header. */
  private static Function<String, JoinRequest> peer(HttpServletRequest request) {
    InetSocketAddress address = new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort());
    Metadata headers = new Metadata();
    String authorization = request.getHeader("authorization");
    if (authorization != null) {
      headers.put(JoinPolicies.AUTHORIZATION, authorization);
    }
    return name -> new JoinRequest(name, address, null, headers);
  }

  private static void fail(HttpServletResponse response, Status status) throws IOException {
    response.setStatus(HttpStatuses.httpStatusOf(status.getCode()));
    response.setHeader(HttpStatuses.STATUS_HEADER, Integer.toString(status.getCode().value()));
    response.setContentType(HttpStatuses.CONTENT_TYPE);
    response.getOutputStream().write(WireStatus.toProto(status).toByteArray());
  }

  /** One poll in async mode: answered once, its write handed to the container's threads. */
  private static final class Exchange implements PollExchange {
    private final AsyncContext async;
    private final AtomicBoolean done = new AtomicBoolean();

    Exchange(AsyncContext async) {
      this.async = async;
    }

    @Override
    public void answer(PollResponse answer) {
      finish(
          response -> {
            response.setStatus(200);
            response.setContentType(HttpStatuses.CONTENT_TYPE);
            response.getOutputStream().write(answer.toByteArray());
          });
    }

    @Override
    public void fail(Status status) {
      finish(response -> PollServlet.fail(response, status));
    }

    private void finish(Writer writer) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      // Never on the session's serializer: a slow peer's socket must not hold the session.
      try {
        async.start(
            () -> {
              try {
                writer.write((HttpServletResponse) async.getResponse());
              } catch (IOException | RuntimeException e) {
                logger.debug("could not write a poll's answer; the agent polls again", e);
              } finally {
                async.complete();
              }
            });
      } catch (IllegalStateException e) {
        logger.debug("a poll's peer left before its answer; the agent polls again", e);
      }
    }
  }

  @FunctionalInterface
  private interface Writer {
    void write(HttpServletResponse response) throws IOException;
  }
}
