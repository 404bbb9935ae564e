package dev.agentrpc.spring;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** gRPC credentials from a Spring SSL bundle's key and trust managers. */
final class SslCredentials {
  private SslCredentials() {}

  /** The bundle {@code property} names, or null when it names none. */
  static SslBundle bundle(ObjectProvider<SslBundles> bundles, String property, String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    SslBundles available = bundles.getIfAvailable();
    if (available == null) {
      throw new IllegalStateException(property + " is set but the context has no SslBundles");
    }
    return available.getBundle(name);
  }

  static ServerCredentials server(SslBundle bundle, AgentRpcServerProperties.ClientAuth auth) {
    TlsServerCredentials.Builder tls =
        TlsServerCredentials.newBuilder()
            .keyManager(bundle.getManagers().getKeyManagerFactory().getKeyManagers());
    if (auth != AgentRpcServerProperties.ClientAuth.NONE) {
      tls.trustManager(bundle.getManagers().getTrustManagerFactory().getTrustManagers())
          .clientAuth(
              auth == AgentRpcServerProperties.ClientAuth.REQUIRE
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.OPTIONAL);
    }
    return tls.build();
  }

  static ChannelCredentials channel(SslBundle bundle) {
    TlsChannelCredentials.Builder tls =
        TlsChannelCredentials.newBuilder()
            .trustManager(bundle.getManagers().getTrustManagerFactory().getTrustManagers());
    if (bundle.getStores().getKeyStore() != null) {
      tls.keyManager(bundle.getManagers().getKeyManagerFactory().getKeyManagers());
    }
    return tls.build();
  }
}
