package dev.agentrpc.transport.http;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.agentrpc.internal.WireStatus;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.transport.poll.PollTransport;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of the HTTP/1.1 binding: each poll is one POST of protobuf bytes to the
 * controller's {@link PollServlet}, on the JDK's {@link HttpClient} forced to HTTP/1.1 (what
 * passes every proxy); {@code https://} URIs use TLS.
 *
 * <pre>{@code
 * PollClient agent =
 *     PollClient.longPoll(HttpPollTransport.create(URI.create("https://controller:8443/agentrpc/poll")),
 *             "agent-7", registry)
 *         .bearerToken(token)
 *         .start();
 * }</pre>
 *
 * <p>Thread-safe; never blocks.
 */
public final class HttpPollTransport implements PollTransport {
  private static final Logger logger = LoggerFactory.getLogger(HttpPollTransport.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI uri;
  private final AtomicBoolean warnedPlaintext = new AtomicBoolean();

  private HttpPollTransport(HttpClient http, URI uri) {
    this.http = http;
    this.uri = uri;
  }

  /** Polls {@code uri} (the servlet's {@code http://} or {@code https://} address) with the JVM's default TLS. */
  public static HttpPollTransport create(URI uri) {
    return create(uri, null);
  }

  /**
   * Polls {@code uri}, trusting and presenting what {@code tls} holds for {@code https://}
   * (null: the JVM's default).
   */
  public static HttpPollTransport create(URI uri, SSLContext tls) {
    Objects.requireNonNull(uri, "uri");
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("a poll URI is http:// or https://, was " + uri);
    }
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONNECT_TIMEOUT);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return new HttpPollTransport(builder.build(), uri);
  }

  @Override
  public CompletableFuture<PollResponse> send(PollRequest request, Duration timeout, String bearerToken) {
    HttpRequest.Builder post =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("content-type", HttpStatuses.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()));
    if (bearerToken != null) {
      if (!"https".equals(uri.getScheme()) && warnedPlaintext.compareAndSet(false, true)) {
        logger.warn("sending the bearer token over plain http: anyone on the path can read it; use https");
      }
      post.header("authorization", "Bearer " + bearerToken);
    }
    return http.sendAsync(post.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw statusOf(failure).asRuntimeException();
              }
              return answerOf(response);
            });
  }

  private PollResponse answerOf(HttpResponse<byte[]> response) {
    try {
      if (response.statusCode() == 200) {
        return PollResponse.parseFrom(response.body());
      }
      if (response.headers().firstValue(HttpStatuses.STATUS_HEADER).isPresent()) {
        throw WireStatus.fromProto(com.google.rpc.Status.parseFrom(response.body())).asRuntimeException();
      }
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL
          .withDescription("the answer from " + uri + " does not parse: " + e.getMessage())
          .asRuntimeException();
    }
    // Not the servlet's answer: a proxy's (502, 504) or a wrong path's (404 without the header).
    throw Status.UNAVAILABLE
        .withDescription("HTTP " + response.statusCode() + " from " + uri + ", not from an agentrpc poll servlet")
        .asRuntimeException();
  }

  private Status statusOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof HttpTimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription("no answer from " + uri + " in time").withCause(cause);
    }
    return Status.UNAVAILABLE.withDescription("could not poll " + uri + ": " + cause).withCause(cause);
  }

  @Override
  public String toString() {
    return "HttpPollTransport{" + uri + "}";
  }
}
