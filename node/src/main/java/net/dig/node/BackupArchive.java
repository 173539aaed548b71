package net.dig.node;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encrypted backup of a node's home ({@code dig-node backup} / {@code restore}): named files,
 * sealed with AES-256-GCM under a key derived from a passphrase with PBKDF2-HMAC-SHA256 (JDK only).
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "DIGBKUP1"
 * 8       1     kdf: 1 = PBKDF2-HMAC-SHA256
 * 9       4     iterations, big-endian
 * 13      16    salt (random)
 * 29      12    GCM nonce (random)
 * 41      ...   ciphertext of the payload, then the 16-byte GCM tag; the 41 header bytes are the AAD
 *
 * payload: u32 count, then count times: u16 name length, name (UTF-8, a path relative to the home),
 *          u64 length, the file's bytes
 * </pre>
 *
 * <p>Failure modes: a wrong passphrase and a damaged file are the same to GCM (the tag does not
 * verify) and both are {@link WrongPassphrase}; nothing is returned before the whole payload verified.
 * Files are held in memory (keys, config, SQLite index and handles; plots are never in a backup).
 */
final class BackupArchive {
    static final String FILE_NAME = "dig-node.backup";
    private static final byte[] MAGIC = "DIGBKUP1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 41;
    static final int ITERATIONS = 310_000;

    private BackupArchive() {}

    /** The tag did not verify: a wrong passphrase, or a damaged backup. */
    static final class WrongPassphrase extends Exception {
        WrongPassphrase() {
            super("the passphrase does not open this backup (or the backup is damaged)");
        }
    }

    static byte[] seal(Map<String, byte[]> files, char[] passphrase, SecureRandom random) throws GeneralSecurityException, IOException {
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).put((byte) 1).putInt(ITERATIONS).put(salt).put(nonce);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(plain);
        out.writeInt(files.size());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            byte[] name = f.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.writeLong(f.getValue().length);
            out.write(f.getValue());
        }
        Cipher c = cipher(Cipher.ENCRYPT_MODE, passphrase, salt, ITERATIONS, nonce);
        c.updateAAD(header.array());
        byte[] sealed = c.doFinal(plain.toByteArray());
        byte[] all = Arrays.copyOf(header.array(), HEADER + sealed.length);
        System.arraycopy(sealed, 0, all, HEADER, sealed.length);
        return all;
    }

    /** The files of a backup; throws before returning anything if it does not verify. */
    static Map<String, byte[]> open(byte[] archive, char[] passphrase) throws WrongPassphrase, IOException {
        if (archive.length < HEADER + 16 || !Arrays.equals(Arrays.copyOf(archive, 8), MAGIC)) {
            throw new IOException("not a dig-node backup (no DIGBKUP1 header)");
        }
        ByteBuffer h = ByteBuffer.wrap(archive, 0, HEADER);
        h.position(8);
        if (h.get() != 1) {
            throw new IOException("unknown key derivation in this backup");
        }
        int iterations = h.getInt();
        if (iterations < 1 || iterations > 10_000_000) {
            throw new IOException("implausible key derivation cost in this backup: " + iterations);
        }
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        h.get(salt).get(nonce);
        byte[] plain;
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, passphrase, salt, iterations, nonce);
            c.updateAAD(archive, 0, HEADER);
            plain = c.doFinal(archive, HEADER, archive.length - HEADER);
        } catch (AEADBadTagException e) {
            throw new WrongPassphrase();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(plain));
        Map<String, byte[]> files = new LinkedHashMap<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String name = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
            long length = in.readLong();
            if (length < 0 || length > plain.length) {
                throw new IOException("damaged backup entry " + name);
            }
            files.put(name, in.readNBytes((int) length));
        }
        return files;
    }

    private static Cipher cipher(int mode, char[] passphrase, byte[] salt, int iterations, byte[] nonce) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        spec.clearPassword();
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        Arrays.fill(key, (byte) 0);
        return c;
    }
}
