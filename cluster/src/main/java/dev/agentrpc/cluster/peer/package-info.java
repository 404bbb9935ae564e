/** Calls forwarded between replicas over gRPC (service {@code agentrpc.cluster.v1.Peer}). */
package dev.agentrpc.cluster.peer;
