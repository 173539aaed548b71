package net.dig.net;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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

    static void writeAtomically(Path target, byte[] bytes, String permissions) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(temp);
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
            } else {
                Files.createFile(temp);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (posix) {
                try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
                    dirChannel.force(true);
                }
            }
        } catch (IOException e) {
            throw new TlsIdentityException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the rename already happened or the directory is gone; nothing left to clean
            }
        }
    }
}
