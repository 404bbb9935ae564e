/**
 * The calling side (the controller): {@link dev.agentrpc.server.Clients} holds the
 * connected clients and calls them; {@link dev.agentrpc.server.Result} is one client's
 * outcome of a call-all. {@link dev.agentrpc.server.ClientSink} and {@link
 * dev.agentrpc.server.ClientSession} are the SPI transports implement and drive.
 */
package dev.agentrpc.server;
