/**
 * The called side (the agent): handlers are registered in a {@link
 * dev.agentrpc.client.HandlerRegistry}; a {@link dev.agentrpc.client.Dispatcher} serves
 * one connection's requests with them. {@link dev.agentrpc.client.ResponseSink} is the SPI
 * transports implement.
 */
package dev.agentrpc.client;
