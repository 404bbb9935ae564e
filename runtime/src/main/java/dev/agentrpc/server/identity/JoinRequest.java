package dev.agentrpc.server.identity;

import io.grpc.Metadata;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A client asking to join: the name it said Hello with, and what the transport knows of it. */
public final class JoinRequest {
  private final String name;
  private final SocketAddress remoteAddress;
  private final SSLSession sslSession;
  private final Metadata headers;

  /**
   * @param name the name in the client's Hello
   * @param remoteAddress the peer's address; null if the transport has none
   * @param sslSession the connection's TLS session; null for plaintext
   * @param headers the stream's request headers
   */
  public JoinRequest(String name, SocketAddress remoteAddress, SSLSession sslSession, Metadata headers) {
    this.name = name;
    this.remoteAddress = remoteAddress;
    this.sslSession = sslSession;
    this.headers = headers;
  }

  /** The name the client said Hello with. */
  public String name() {
    return name;
  }

  /** The peer's address; null if the transport has none. */
  public SocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** The connection's TLS session; null for plaintext. */
  public SSLSession sslSession() {
    return sslSession;
  }

  /**
   * The certificate chain the client presented and the TLS handshake verified, its own
   * certificate first; empty for plaintext or when the client presented none.
   */
  public List<X509Certificate> peerCertificates() {
    if (sslSession == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : sslSession.getPeerCertificates()) {
        if (certificate instanceof X509Certificate) {
          chain.add((X509Certificate) certificate);
        }
      }
      return Collections.unmodifiableList(chain);
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /** A header of the stream, e.g. {@code authorization}; null if absent. */
  public <T> T header(Metadata.Key<T> key) {
    return headers == null ? null : headers.get(key);
  }

  @Override
  public String toString() {
    return "JoinRequest{" + name + " from " + remoteAddress + (sslSession != null ? ", TLS" : "") + "}";
  }
}
