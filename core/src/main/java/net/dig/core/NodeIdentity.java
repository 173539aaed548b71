package net.dig.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The node's Ed25519 identity (JDK EdDSA): it signs datastore versions, plot ids and announcements.
 * {@code node_id = "dig1" + the first 16 hex digits of the raw public key} (the seed's form).
 *
 * <p>Key file ({@link #loadOrCreate}), 104 bytes, big-endian, written with permissions 0600 through a
 * temporary file, fsync and a hard link to the final name that never replaces an existing key (then the
 * directory is fsynced), so a crash leaves either no key or a whole key, and of two processes creating
 * the key at once the second loads the first one's key:
 * <pre>
 *   offset  size  field
 *   0       4     magic "DIGK" (0x4449474B)
 *   4       4     version u32 = 1
 *   8       32    Ed25519 private seed (RFC 8032 secret key)
 *   40      32    Ed25519 public key (RFC 8032 encoding)
 *   72      32    SHA-256 of bytes [0, 72)
 * </pre>
 * Loading checks the length, magic, version, checksum, and that the seed really signs for the stored
 * public key; each failure is an {@link IllegalStateException} naming the file and the problem.
 *
 * <p>Immutable and thread-safe (a {@link Signature} is created per call).
 */
public final class NodeIdentity {
    static final int MAGIC = 0x4449474B;
    static final int VERSION = 1;
    static final int FILE_SIZE = 104;
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** Tests: runs after the temporary key file is durable, just before it gets its final name. */
    static volatile Runnable beforePublish;

    private final PrivateKey privateKey;
    private final byte[] seed;
    private final byte[] publicKey;

    private NodeIdentity(PrivateKey privateKey, byte[] seed, byte[] publicKey) {
        this.privateKey = privateKey;
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A fresh key pair drawn from {@code random}. */
    public static NodeIdentity generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, random);
            KeyPair pair = g.generateKeyPair();
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new IllegalStateException("Ed25519 private key without its bytes"));
            return new NodeIdentity(pair.getPrivate(), seed, rawPublicKey(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** The identity whose RFC 8032 private seed is {@code seed32} (deterministic; for tests and vectors). */
    public static NodeIdentity fromSeed(byte[] seed32) {
        if (seed32 == null || seed32.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        try {
            KeyFactory f = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = f.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed32.clone()));
            // The JDK offers no seed -> public key derivation; a generator seeded with the seed bytes does it.
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new FixedBytesRandom(seed32));
            KeyPair pair = g.generateKeyPair();
            byte[] derivedSeed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(derivedSeed, seed32)) {
                throw new IllegalStateException("Ed25519 key generation did not use the given seed");
            }
            return new NodeIdentity(priv, seed32.clone(), rawPublicKey(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot build Ed25519 keys", e);
        }
    }

    /** Loads the key at {@code keyFile}, or creates one (0600, atomically) if there is none. */
    public static NodeIdentity loadOrCreate(Path keyFile, SecureRandom random) {
        if (Files.exists(keyFile)) {
            return load(keyFile);
        }
        NodeIdentity created = generate(random);
        try {
            created.writeAtomically(keyFile);
        } catch (FileAlreadyExistsException raced) {
            return load(keyFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write node key " + keyFile + ": " + describe(e), e);
        }
        return created;
    }

    /** Loads a key file written by {@link #loadOrCreate}. */
    public static NodeIdentity load(Path keyFile) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read node key " + keyFile + ": " + describe(e), e);
        }
        if (bytes.length != FILE_SIZE) {
            throw new IllegalStateException("node key " + keyFile + " is corrupt: it is " + bytes.length
                    + " bytes, a key file is " + FILE_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new IllegalStateException("node key " + keyFile + " is corrupt: bad magic 0x" + Integer.toHexString(magic)
                    + " (expected \"DIGK\")");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalStateException("node key " + keyFile + " has unsupported version " + version);
        }
        byte[] sum = Sha256.hash(bytes, 0, 72).toArray();
        if (!Arrays.equals(sum, 0, 32, bytes, 72, 104)) {
            throw new IllegalStateException("node key " + keyFile + " is corrupt: checksum mismatch");
        }
        NodeIdentity id = fromSeed(Arrays.copyOfRange(bytes, 8, 40));
        if (!Arrays.equals(id.publicKey, 0, 32, bytes, 40, 72)) {
            throw new IllegalStateException("node key " + keyFile + " is corrupt: public key does not match private key");
        }
        return id;
    }

    /** The raw 32-byte RFC 8032 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@code "dig1" + first 16 hex digits of the public key}. */
    public String nodeId() {
        return nodeIdOf(publicKey);
    }

    /** The node id of any 32-byte Ed25519 public key: {@code "dig1" + first 16 hex digits}. */
    public static String nodeIdOf(byte[] publicKey) {
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + publicKey.length);
        }
        return "dig1" + HexFormat.of().formatHex(publicKey, 0, 8);
    }

    /** A 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True iff {@code signature64} is a valid signature of {@code message} by {@code publicKey32}; false for any malformed input. */
    public static boolean verify(byte[] publicKey32, byte[] message, byte[] signature64) {
        if (publicKey32 == null || publicKey32.length != 32 || signature64 == null || signature64.length != 64 || message == null) {
            return false;
        }
        try {
            byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(publicKey32, 0, der, X509_PREFIX.length, 32);
            PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pub);
            s.update(message);
            return s.verify(signature64);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + nodeId() + "]";
    }

    byte[] encodeFile() {
        ByteBuffer b = ByteBuffer.allocate(FILE_SIZE);
        b.putInt(MAGIC).putInt(VERSION).put(seed).put(publicKey);
        b.put(Sha256.hash(b.array(), 0, 72).toArray());
        return b.array();
    }

    private void writeAtomically(Path keyFile) throws IOException {
        Path tmp = AtomicFiles.createTemporary(keyFile, "rw-------");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(encodeFile());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Runnable hook = beforePublish;
            if (hook != null) {
                hook.run();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        AtomicFiles.commit(tmp, keyFile, AtomicFiles.Publish.CREATE_NEW);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static byte[] rawPublicKey(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der.length != X509_PREFIX.length + 32 || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalStateException("unexpected Ed25519 public key encoding");
        }
        return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
    }

    /** Hands out the given bytes, for deriving the public key of a known seed. */
    private static final class FixedBytesRandom extends SecureRandom {
        private final byte[] bytes;

        FixedBytesRandom(byte[] bytes) {
            super(new byte[0]);
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
