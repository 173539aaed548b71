package net.dig.gossip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A Tor v3 onion service address (BIP-155 network id 4, {@code TORV3}): the service's 32-byte ed25519
 * public key, written as its host name
 * <pre>
 *  host     = base32(pubkey ‖ checksum ‖ version) ‖ ".onion"      56 lower-case base32 characters
 *  checksum = SHA3-256(".onion checksum" ‖ pubkey ‖ version)[0..2]
 *  version  = 0x03
 * </pre>
 * (Tor's rend-spec-v3). {@link #parse} refuses a wrong length, alphabet, version or checksum, so a typo in
 * an announced address never enters the address book. Immutable.
 */
public final class OnionAddress {
    public static final String SUFFIX = ".onion";
    /** Length of a v3 host name, suffix included. */
    public static final int HOST_CHARS = 56 + SUFFIX.length();
    static final byte VERSION = 3;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final byte[] CHECKSUM_TAG = ".onion checksum".getBytes(StandardCharsets.US_ASCII);

    private final byte[] publicKey;

    private OnionAddress(byte[] publicKey) {
        this.publicKey = publicKey;
    }

    /** The address of the service with this 32-byte public key. */
    public static OnionAddress ofPublicKey(byte[] publicKey) {
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an onion v3 public key is 32 bytes, got " + publicKey.length);
        }
        return new OnionAddress(publicKey.clone());
    }

    /** True when {@code host} ends in {@code .onion} (whether or not it is a valid v3 name). */
    public static boolean looksLikeOnion(String host) {
        return host.regionMatches(true, host.length() - SUFFIX.length(), SUFFIX, 0, SUFFIX.length());
    }

    /** Parses a v3 host name (case-insensitive); empty if it is not one. */
    public static Optional<OnionAddress> parse(String host) {
        if (host.length() != HOST_CHARS || !looksLikeOnion(host)) {
            return Optional.empty();
        }
        byte[] raw = new byte[35];
        long buffer = 0;
        int bits = 0;
        int out = 0;
        String name = host.substring(0, 56).toLowerCase(Locale.ROOT);
        for (int i = 0; i < name.length(); i++) {
            int v = ALPHABET.indexOf(name.charAt(i));
            if (v < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                raw[out++] = (byte) (buffer >>> bits);
            }
        }
        byte[] key = Arrays.copyOf(raw, 32);
        if (raw[34] != VERSION || raw[32] != checksum(key)[0] || raw[33] != checksum(key)[1]) {
            return Optional.empty();
        }
        return Optional.of(new OnionAddress(key));
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The host name, lower case, with its {@code .onion} suffix. */
    public String host() {
        byte[] raw = new byte[35];
        System.arraycopy(publicKey, 0, raw, 0, 32);
        byte[] sum = checksum(publicKey);
        raw[32] = sum[0];
        raw[33] = sum[1];
        raw[34] = VERSION;
        StringBuilder s = new StringBuilder(HOST_CHARS);
        long buffer = 0;
        int bits = 0;
        for (byte b : raw) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                s.append(ALPHABET.charAt((int) (buffer >>> bits) & 31));
            }
        }
        return s.append(SUFFIX).toString();
    }

    private static byte[] checksum(byte[] key) {
        try {
            MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
            sha3.update(CHECKSUM_TAG);
            sha3.update(key);
            sha3.update(VERSION);
            return sha3.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA3-256 is part of every Java 9+ runtime", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnionAddress a && Arrays.equals(publicKey, a.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return host();
    }
}
