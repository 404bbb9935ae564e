package dev.agentrpc.security.testing;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import javax.security.auth.x500.X500Principal;

/**
 * A PKCS#10 certificate signing request for an EC key pair, in DER: what {@code keytool
 * -certreq} writes, made here so that a certificate costs one keytool run (the signing)
 * instead of three. keytool checks the request's signature when it signs it.
 */
final class CertificateRequest {
  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int OBJECT_IDENTIFIER = 0x06;
  private static final int ATTRIBUTES = 0xA0; // [0] IMPLICIT SET OF Attribute
  /** ecdsa-with-SHA256, 1.2.840.10045.4.3.2. */
  private static final byte[] ECDSA_WITH_SHA256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};

  private CertificateRequest() {}

  /** A request for {@code subject}'s certificate of {@code keys}' public key, signed by its private key. */
  static byte[] of(X500Principal subject, KeyPair keys) throws GeneralSecurityException {
    byte[] info =
        der(
            SEQUENCE,
            der(INTEGER, new byte[] {0}),
            subject.getEncoded(),
            keys.getPublic().getEncoded(),
            der(ATTRIBUTES));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(info);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1]; // leading 0: no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    return der(SEQUENCE, info, der(SEQUENCE, der(OBJECT_IDENTIFIER, ECDSA_WITH_SHA256)), der(BIT_STRING, bits));
  }

  /** A DER element: its tag, its definite length, then its contents one after another. */
  private static byte[] der(int tag, byte[]... contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] content : contents) {
      body.writeBytes(content);
    }
    ByteArrayOutputStream element = new ByteArrayOutputStream();
    element.write(tag);
    int length = body.size();
    if (length < 0x80) {
      element.write(length);
    } else {
      int octets = length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
      element.write(0x80 | octets);
      for (int shift = 8 * (octets - 1); shift >= 0; shift -= 8) {
        element.write(length >>> shift);
      }
    }
    element.writeBytes(body.toByteArray());
    return element.toByteArray();
  }
}
