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
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The node's Ed25519 identity (RFC 8032, Bouncy Castle's {@code org.bouncycastle.math.ec.rfc8032.Ed25519};
 * docs/decisions.md D66a): it signs datastore versions, plot ids, announcements and proof bundles.
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
 * <p>Verification is RFC 8032's: the signature's {@code S} must be below the group order and {@code R}
 * a canonical encoding, and the public key a canonical point that is not of small order (such a key
 * would accept forgeries); every malformed input gives {@code false}.
 *
 * <p>Immutable and thread-safe (the Ed25519 functions are stateless).
 */
public final class NodeIdentity {
    static final int MAGIC = 0x4449474B;
    static final int VERSION = 1;
    static final int FILE_SIZE = 104;
    static final int KEY_SIZE = Ed25519.PUBLIC_KEY_SIZE;
    static final int SIGNATURE_SIZE = Ed25519.SIGNATURE_SIZE;

    /** Tests: runs after the temporary key file is durable, just before it gets its final name. */
    static volatile Runnable beforePublish;

    private final byte[] seed;
    private final byte[] publicKey;

    private NodeIdentity(byte[] seed, byte[] publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A fresh key pair: the 32-byte seed is one {@code nextBytes} draw of {@code random}. */
    public static NodeIdentity generate(SecureRandom random) {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        random.nextBytes(seed);
        return fromSeed(seed);
    }

    /** The identity whose RFC 8032 private seed is {@code seed32} (deterministic; for tests and vectors). */
    public static NodeIdentity fromSeed(byte[] seed32) {
        if (seed32 == null || seed32.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        byte[] seed = seed32.clone();
        byte[] pub = new byte[KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        return new NodeIdentity(seed, pub);
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
        byte[] sig = new byte[SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** True iff {@code signature64} is a valid signature of {@code message} by {@code publicKey32}; false for any malformed input. */
    public static boolean verify(byte[] publicKey32, byte[] message, byte[] signature64) {
        if (publicKey32 == null || publicKey32.length != KEY_SIZE || signature64 == null || signature64.length != SIGNATURE_SIZE
                || message == null) {
            return false;
        }
        try {
            return Ed25519.verify(signature64, 0, publicKey32, 0, message, 0, message.length);
        } catch (RuntimeException e) {
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
}
