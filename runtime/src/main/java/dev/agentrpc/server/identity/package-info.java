/**
 * Who may join the controller, and as which identity: {@link
 * dev.agentrpc.server.identity.JoinPolicy} and its built-ins in {@link
 * dev.agentrpc.server.identity.JoinPolicies}, set on the transport (e.g. {@code
 * StreamServer.Builder.joinPolicy}).
 */
package dev.agentrpc.server.identity;
