package net.dig.net;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import net.dig.core.AtomicFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes PEM certificates and private keys.
 *
 * <p>Keys are written as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}); reading also accepts the
 * traditional OpenSSL forms ({@code BEGIN RSA/EC PRIVATE KEY}) that Chia's tooling may produce.
 * Every write is atomic and durable: a temporary file in the same directory, created with mode
 * 0600 for keys (0644 for certificates) before any byte is written, fsynced, renamed over the
 * target, then the directory is fsynced. A crash leaves the old file or the new one, never half.
 */
final class PemFiles {
    private PemFiles() {}

    static X509Certificate readCertificate(Path path) {
        EventLoopBlocking.check("read " + path);
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new TlsIdentityException(path + ": expected a PEM certificate, found "
                        + (object == null ? "nothing" : object.getClass().getSimpleName()));
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (IOException | CertificateException e) {
            throw new TlsIdentityException(path + ": cannot read certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path path) {
        EventLoopBlocking.check("read " + path);
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new TlsIdentityException(path + ": expected an unencrypted PEM private key, found "
                    + (object == null ? "nothing" : object.getClass().getSimpleName()));
        } catch (IOException e) {
            throw new TlsIdentityException(path + ": cannot read private key: " + e.getMessage(), e);
        }
    }

    static String toPem(X509Certificate certificate) {
        return pem(certificate);
    }

    static String toPem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new TlsIdentityException("cannot encode private key: " + e.getMessage(), e);
        }
    }

    static void writeCertificate(Path path, X509Certificate certificate) {
        writeAtomically(path, toPem(certificate), "rw-r--r--");
    }

    static void writePrivateKey(Path path, PrivateKey key) {
        writeAtomically(path, toPem(key), "rw-------");
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new TlsIdentityException("cannot encode PEM: " + e.getMessage(), e);
        }
        return out.toString();
    }

    static void writeAtomically(Path target, String text, String permissions) {
        writeAtomically(target, text.getBytes(StandardCharsets.US_ASCII), permissions);
    }

    /** Through {@link AtomicFiles} (temp with {@code permissions}, fsync, rename over, fsync directory). */
    static void writeAtomically(Path target, byte[] bytes, String permissions) {
        EventLoopBlocking.check("write " + target);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            AtomicFiles.write(target, bytes, AtomicFiles.Publish.REPLACE, permissions);
        } catch (IOException e) {
            throw new TlsIdentityException(target + ": cannot write: " + e.getMessage(), e);
        }
    }
}
