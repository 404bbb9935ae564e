/**
 * The service provider interface between {@link dev.agentrpc.server.Clients} and the
 * transports that carry its connections. Callers never need it; transport authors do.
 */
package dev.agentrpc.server.spi;
