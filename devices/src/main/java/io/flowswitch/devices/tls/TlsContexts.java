package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where TLS keys and certificates come from: a PKCS#12 key store, a PEM certificate chain and PKCS#8 key, or
 * a self-signed certificate made on first use; and a client's trust in one certificate. Stateless.
 *
 * <p>Self-signed certificates are made by the JDK's own {@code keytool} (the JDK has no public API that
 * builds a certificate, and a library for it would be a dependency for one file): an EC P-256 key, valid
 * for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, 825 days.
 */
public final class TlsContexts {
    /** Names of the files a self-signed identity is kept in. */
    public static final String KEY_STORE_FILE = "server.p12";
    public static final String PASSWORD_FILE = "server.p12.password";
    public static final String CERTIFICATE_FILE = "server.crt";

    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final long KEYTOOL_TIMEOUT_S = 60;

    private TlsContexts() {
    }

    /** A server (or client) identity: key and chain, and the certificate to give clients to trust. */
    public record Identity(SSLContext context, X509Certificate certificate) {
    }

    /**
     * The identity kept in {@code directory}, made there first when it has none (a new self-signed
     * certificate, key store and password file readable only by the owner, and {@value #CERTIFICATE_FILE} in
     * PEM for clients such as {@code curl --cacert}).
     *
     * @throws DeviceException {@code CERTIFICATE} when it cannot be made or read
     */
    public static Identity selfSigned(Path directory) {
        final Path keyStore = directory.resolve(KEY_STORE_FILE);
        final Path passwordFile = directory.resolve(PASSWORD_FILE);
        try {
            if (!Files.exists(keyStore)) {
                Files.createDirectories(directory);
                final String password = HexFormat.of().formatHex(randomBytes(16));
                writePrivate(passwordFile, password);
                runKeytool(keyStore, password);
                Files.setPosixFilePermissions(keyStore, PosixFilePermissions.fromString("rw-------"));
            }
            final Identity identity = pkcs12(keyStore, Files.readString(passwordFile, StandardCharsets.UTF_8).trim());
            Files.writeString(directory.resolve(CERTIFICATE_FILE), pem(identity.certificate()), StandardCharsets.UTF_8);
            return identity;
        } catch (IOException | UnsupportedOperationException e) {
            throw new DeviceException(TlsErrors.CERTIFICATE,
                "cannot make or read the self-signed certificate in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The identity in a PKCS#12 key store whose store and key password is {@code password}. */
    public static Identity pkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            X509Certificate certificate = null;
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    certificate = (X509Certificate) store.getCertificate(alias);
                    break;
                }
            }
            if (certificate == null) {
                throw new DeviceException(TlsErrors.CERTIFICATE, "the key store " + file + " holds no private key");
            }
            return new Identity(serverContext(store, password.toCharArray()), certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new DeviceException(TlsErrors.CERTIFICATE, "cannot read the key store " + file + ": "
                + e.getMessage() + " (is the password right?)", e);
        }
    }

    /**
     * The identity in a PEM certificate chain (server certificate first) and an unencrypted PKCS#8 PEM key
     * ({@code BEGIN PRIVATE KEY}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}).
     */
    public static Identity pem(Path certificateFile, Path keyFile) {
        try {
            final List<X509Certificate> chain = certificates(Files.readString(certificateFile, StandardCharsets.US_ASCII),
                certificateFile);
            final PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            final char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
            store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
            return new Identity(serverContext(store, password), chain.get(0));
        } catch (IOException | GeneralSecurityException e) {
            throw new DeviceException(TlsErrors.CERTIFICATE, "cannot read the certificate " + certificateFile
                + " and key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts {@code certificate} alone (a self-signed server's, or a private CA). */
    public static SSLContext trusting(X509Certificate certificate) {
        try {
            final KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("trusted", certificate);
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            final SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot build a TLS 1.3 client context", e);
        }
    }

    /** A certificate as PEM text. */
    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate the JDK decoded", e);
        }
    }

    private static SSLContext serverContext(KeyStore store, char[] password) throws GeneralSecurityException {
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static List<X509Certificate> certificates(String text, Path file) throws GeneralSecurityException {
        final CertificateFactory factory = CertificateFactory.getInstance("X.509");
        final List<X509Certificate> chain = new ArrayList<>();
        final Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals("CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(Base64.getMimeDecoder().decode(matcher.group(2)))));
            }
        }
        if (chain.isEmpty()) {
            throw new DeviceException(TlsErrors.CERTIFICATE, file + " holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return chain;
    }

    private static PrivateKey privateKey(String text, Path file) throws GeneralSecurityException {
        final Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            final String type = matcher.group(1);
            if (type.equals("PRIVATE KEY")) {
                final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(matcher.group(2)));
                for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "RSASSA-PSS"}) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    } catch (GeneralSecurityException e) {
                        // Not this algorithm: try the next.
                    }
                }
                throw new DeviceException(TlsErrors.CERTIFICATE, file + ": the key is neither EC, RSA nor Ed25519");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new DeviceException(TlsErrors.CERTIFICATE, file + " holds a '" + type + "'; convert it to"
                    + " PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
            }
        }
        throw new DeviceException(TlsErrors.CERTIFICATE, file + " holds no PEM private key (BEGIN PRIVATE KEY)");
    }

    private static void runKeytool(Path keyStore, String password) throws IOException {
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("this Java runtime has no keytool (" + keytool + "); give a certificate and key instead");
        }
        final ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "flowswitch",
            "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "825",
            "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1,ip:::1",
            "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass:env", "FLOWSWITCH_STOREPASS")
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // The password goes through the environment, never the command line other users can list.
        builder.environment().put("FLOWSWITCH_STOREPASS", password);
        final Process process = builder.start();
        final String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (process.exitValue() != 0 || !Files.exists(keyStore)) {
            throw new IOException("keytool failed with exit code " + process.exitValue() + ": " + output);
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int count) {
        final byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
