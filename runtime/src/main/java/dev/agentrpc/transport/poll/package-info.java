/**
 * The poll transports: long-poll and heartbeat, for networks where a long-lived gRPC stream
 * does not pass (proxies that cut idle streams, HTTP/1.1-only paths).
 *
 * <p>On the controller, {@link dev.agentrpc.transport.poll.PollSessions} is the session core
 * that every binding shares (the {@code Poll} rpc of the stream transport's service, and the
 * HTTP/1.1 servlet); on the agent, {@link dev.agentrpc.transport.poll.PollClient} polls over a
 * {@link dev.agentrpc.transport.poll.PollTransport}. A session outlives single polls:
 * commands and responses are numbered and sent again until acknowledged, so a lost poll loses
 * nothing and runs nothing twice.
 */
package dev.agentrpc.transport.poll;
