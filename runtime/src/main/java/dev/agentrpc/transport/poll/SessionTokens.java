package dev.agentrpc.transport.poll;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable session tokens: 256 random bits from a SecureRandom, base64url. Thread-safe. */
final class SessionTokens {
  private static final int BYTES = 32;

  private final SecureRandom random = new SecureRandom();
  private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

  String next() {
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    return encoder.encodeToString(bytes);
  }
}
