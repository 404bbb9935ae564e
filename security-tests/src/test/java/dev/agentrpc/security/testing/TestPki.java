package dev.agentrpc.security.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate authority made at test time with the JDK's keytool, in a directory, and the
 * credentials it issues: EC P-256 keys, certificates valid for two days. keytool makes the CA
 * and signs every certificate (one run each); the leaves' keys and signing requests are made
 * here, which saves two keytool runs per certificate. Nothing is installed: keytool comes
 * with every JDK, and a missing one fails the test.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(dir);
 * List<Credential> issued = pki.issue(Leaf.controller("controller"), Leaf.agent("agent-1"));
 * }</pre>
 */
public final class TestPki {
  /** The SPIFFE trust domain of agents' certificates. */
  public static final String TRUST_DOMAIN = "example.org";

  private static final String STORE_PASSWORD = "changeit";
  private static final String VALIDITY_DAYS = "2";

  private final Path dir;
  private final X509Certificate caCertificate;
  private final Path caFile;

  private TestPki(Path dir, X509Certificate caCertificate) {
    this.dir = dir;
    this.caCertificate = caCertificate;
    this.caFile = dir.resolve("ca.pem");
    try {
      Files.writeString(caFile, Credential.pem(caCertificate), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a certificate says: its alias (file names), subject, SAN and extended key usage. */
  public record Leaf(String alias, String subjectAltName, String extendedKeyUsage) {
    /** A controller's certificate for {@code localhost} and {@code 127.0.0.1}. */
    public static Leaf controller(String alias) {
      return new Leaf(alias, "dns:localhost,ip:127.0.0.1", "serverAuth");
    }

    /** An agent's certificate naming it by SPIFFE ID ({@link #spiffeId}). */
    public static Leaf agent(String name) {
      return new Leaf(name, "uri:" + spiffeId(name), "clientAuth");
    }

    /** The same certificate under another alias (so other file names). */
    public Leaf as(String otherAlias) {
      return new Leaf(otherAlias, subjectAltName, extendedKeyUsage);
    }
  }

  /** {@code spiffe://example.org/agent/<name>}. */
  public static String spiffeId(String name) {
    return "spiffe://" + TRUST_DOMAIN + "/agent/" + name;
  }

  /** Makes a new CA in {@code dir} (an existing, empty directory the caller deletes). */
  public static TestPki create(Path dir) {
    Keytool.run(
        dir,
        "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=agentrpc test CA", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
        "-validity", VALIDITY_DAYS,
        "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    return new TestPki(dir, (X509Certificate) load(dir.resolve("ca.p12")).certificate);
  }

  /** The CA's certificate. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The CA's certificate as PEM: what a peer trusts. */
  public Path caFile() {
    return caFile;
  }

  /** Trust managers trusting this CA only, for {@code trustManager(TrustManager...)}. */
  public TrustManager[] trustManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", caCertificate);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make trust managers", e);
    }
  }

  /** Issues a credential for each leaf, signed by this CA, in parallel; in their order. */
  public List<Credential> issue(Leaf... leaves) {
    return inParallel(leaves, this::issueOne);
  }

  /** A credential for each leaf, each signing its own certificate: trusted by nobody. */
  public static List<Credential> selfSigned(Path dir, Leaf... leaves) {
    return inParallel(
        leaves,
        leaf -> {
          Keytool.run(dir, newKeyPair(leaf));
          Stored stored = load(dir.resolve(leaf.alias() + ".p12"));
          return new Credential(dir, leaf.alias(), stored.key, (X509Certificate) stored.certificate);
        });
  }

  private Credential issueOne(Leaf leaf) {
    String alias = leaf.alias();
    X500Principal subject = new X500Principal("CN=" + alias);
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
      Files.writeString(
          dir.resolve(alias + ".csr"),
          Credential.pem("CERTIFICATE REQUEST", CertificateRequest.of(subject, keys)),
          StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot request a certificate for " + alias, e);
    }
    Keytool.run(
        dir,
        "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", STORE_PASSWORD,
        "-infile", alias + ".csr", "-outfile", alias + ".crt", "-validity", VALIDITY_DAYS,
        "-ext", "san=" + leaf.subjectAltName(), "-ext", "eku=" + leaf.extendedKeyUsage(),
        "-ext", "ku=digitalSignature");
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(dir.resolve(alias + ".crt"))) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the certificate keytool issued for " + alias, e);
    }
    return new Credential(dir, alias, keys.getPrivate(), certificate, caCertificate);
  }

  private static String[] newKeyPair(Leaf leaf) {
    return new String[] {
      "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1",
      "-dname", "CN=" + leaf.alias(), "-validity", VALIDITY_DAYS,
      "-ext", "san=" + leaf.subjectAltName(), "-ext", "eku=" + leaf.extendedKeyUsage(),
      "-keystore", leaf.alias() + ".p12", "-storetype", "PKCS12", "-storepass", STORE_PASSWORD
    };
  }

  /** The one key entry of a keystore keytool wrote. */
  private record Stored(PrivateKey key, java.security.cert.Certificate certificate) {}

  private static Stored load(Path keystore) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, STORE_PASSWORD.toCharArray());
      String alias = store.aliases().nextElement();
      return new Stored(
          (PrivateKey) store.getKey(alias, STORE_PASSWORD.toCharArray()), store.getCertificate(alias));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + keystore, e);
    }
  }

  private interface Issuer {
    Credential issue(Leaf leaf);
  }

  /** Each keytool run is a JVM of its own: running them side by side halves the wait. */
  private static List<Credential> inParallel(Leaf[] leaves, Issuer issuer) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    try {
      List<Future<Credential>> futures = new ArrayList<>();
      for (Leaf leaf : leaves) {
        futures.add(pool.submit(() -> issuer.issue(leaf)));
      }
      List<Credential> issued = new ArrayList<>();
      for (Future<Credential> future : futures) {
        issued.add(future.get(2, TimeUnit.MINUTES));
      }
      return issued;
    } catch (ExecutionException e) {
      throw new IllegalStateException("issuing a certificate failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("issuing certificates took over 2 minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted issuing certificates", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
