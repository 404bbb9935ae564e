/**
 * The stream transport: clients keep one bidirectional gRPC stream ({@code
 * agentrpc.v1.Coordinator/Connect}) open to the server, which sends requests down it.
 * {@link dev.agentrpc.transport.stream.StreamServer} is the server end, {@link
 * dev.agentrpc.transport.stream.StreamClient} the agent end.
 */
package dev.agentrpc.transport.stream;
