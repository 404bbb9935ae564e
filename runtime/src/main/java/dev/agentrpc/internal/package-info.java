/**
 * Pieces shared by the server, client and transport packages. Not API: may change in any
 * release.
 */
package dev.agentrpc.internal;
