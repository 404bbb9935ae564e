package dev.agentrpc.cluster.testing;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A name resolver that always answers the same list of addresses, in order: with gRPC's
 * default pick_first an agent dials the first replica that accepts, the way it would behind
 * a load balancer.
 */
public final class AddressList extends NameResolver.Factory {
  private final List<InetSocketAddress> addresses;

  public AddressList(List<InetSocketAddress> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        return "replicas";
      }

      @Override
      public void start(Listener2 listener) {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
          groups.add(new EquivalentAddressGroup(address));
        }
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(groups))
                .setAttributes(Attributes.EMPTY)
                .build());
      }

      @Override
      public void shutdown() {}
    };
  }

  @Override
  public String getDefaultScheme() {
    return "replicas";
  }
}
