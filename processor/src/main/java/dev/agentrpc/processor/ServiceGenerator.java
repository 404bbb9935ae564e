package dev.agentrpc.processor;

import java.io.IOException;

/** Writes the generated sources of one valid service. */
@FunctionalInterface
interface ServiceGenerator {
  void generate(ServiceModel service) throws IOException;

  /** Decorates the processor's generator; the identity outside tests. */
  @FunctionalInterface
  interface Wrapper {
    ServiceGenerator wrap(ServiceGenerator generator);
  }
}
