/** The cluster directory in Redis, through Lettuce. */
package dev.agentrpc.cluster.redis;
