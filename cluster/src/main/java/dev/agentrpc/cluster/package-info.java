/**
 * Several controller replicas as one: {@link dev.agentrpc.cluster.ClusterReplica} gives each
 * replica a {@link dev.agentrpc.server.Clients} that reaches every agent of the cluster, over a
 * shared {@link dev.agentrpc.cluster.Directory}.
 */
package dev.agentrpc.cluster;
