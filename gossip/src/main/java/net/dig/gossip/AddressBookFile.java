package net.dig.gossip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Sha256;
import net.dig.wire.StreamableReader;
import net.dig.wire.StreamableWriter;
import net.dig.wire.WireException;
import net.dig.wire.WireLimits;

/**
 * The address book on disk ({@code peers_file_path}, default {@code peers.dat}). Streamable encoding,
 * big-endian:
 * <pre>
 *  magic          8   "DIGPEERS"
 *  version        u16 1
 *  secret key     32  the bucket key (placement is only reproducible with it)
 *  last_good      u64 epoch seconds of the last markGood
 *  entries        List (u32 count), sorted by Chia key (address ‖ port), of:
 *      host str, port u16, source host str, source port u16,
 *      timestamp u64, last_try u64, last_success u64, last_count_attempt u64,
 *      attempts u32, tried bool, new_buckets List&lt;u16&gt;
 *  checksum       32  SHA-256 of every byte before it
 * </pre>
 * Saving writes a temporary file in the same directory, fsyncs it, renames it over the old file
 * atomically and fsyncs the directory, so a crash leaves either the old or the new book. Loading
 * verifies magic, version and checksum and rebuilds the tables through the placement rules; a file
 * that fails any check is refused with an {@link IOException} saying why (the caller then starts empty).
 */
public final class AddressBookFile {
    static final byte[] MAGIC = "DIGPEERS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final WireLimits LIMITS = new WireLimits(0, 0, 256, 1 << 20);

    private AddressBookFile() {}

    public static byte[] encode(AddressManager book) {
        StreamableWriter w = new StreamableWriter(64 * 1024);
        w.raw(MAGIC).u16(VERSION).bytes32(book.secretKey()).u64(book.lastGood());
        List<AddressManager.KnownAddress> entries = book.entries().stream()
                .sorted((x, y) -> Arrays.compareUnsigned(x.address().key(), y.address().key())).toList();
        w.u32(entries.size());
        for (AddressManager.KnownAddress k : entries) {
            w.str(k.address().host()).u16(k.address().port()).str(k.source().host()).u16(k.source().port());
            w.u64(k.timestamp()).u64(k.lastTry()).u64(k.lastSuccess()).u64(book.lastCountAttemptOf(k.address()));
            w.u32(k.attempts()).bool(k.tried());
            w.list(book.newBucketsOf(k.address()), StreamableWriter::u16);
        }
        byte[] body = w.toByteArray();
        return concat(body, Sha256.hash(body).toArray());
    }

    public static AddressManager decode(byte[] file, Clock clock, RandomGenerator random, boolean allowPrivateSubnets)
            throws IOException {
        return decode(file, clock, random, allowPrivateSubnets, AddressGroups.prefixOnly());
    }

    /**
     * With {@code groups}: when they use an asmap, a new-table entry goes back to the one bucket the AS rule
     * gives it rather than the stored ones (which an earlier map, or the /16 rule, chose), as Bitcoin Core
     * re-buckets when its asmap changes; tried entries are always re-placed.
     */
    public static AddressManager decode(byte[] file, Clock clock, RandomGenerator random, boolean allowPrivateSubnets,
            AddressGroups groups) throws IOException {
        if (file.length < MAGIC.length + 2 + 32 + 8 + 4 + 32) {
            throw new IOException("address book too short (" + file.length + " bytes)");
        }
        if (!Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("not an address book: bad magic");
        }
        int bodyLength = file.length - 32;
        Bytes32 expected = Sha256.hash(file, 0, bodyLength);
        if (!expected.equals(Bytes32.wrap(file, bodyLength))) {
            throw new IOException("address book checksum mismatch (file damaged)");
        }
        try {
            StreamableReader r = new StreamableReader(file, MAGIC.length, bodyLength - MAGIC.length, LIMITS);
            int version = r.u16();
            if (version != VERSION) {
                throw new IOException("address book version " + version + " is not supported (expected " + VERSION + ")");
            }
            AddressManager book = new AddressManager(clock, random, r.bytes32(), allowPrivateSubnets, groups);
            book.setLastGood(r.u64());
            long count = r.u32();
            for (long i = 0; i < count; i++) {
                PeerAddress addr = address(r.str(), r.u16());
                PeerAddress src = address(r.str(), r.u16());
                long timestamp = r.u64();
                long lastTry = r.u64();
                long lastSuccess = r.u64();
                long lastCount = r.u64();
                int attempts = (int) Math.min(Integer.MAX_VALUE, r.u32());
                boolean tried = r.bool();
                List<Integer> buckets = r.list(StreamableReader::u16, 2);
                if (groups.asmap().isPresent()) {
                    buckets = List.of(book.newBucket(addr, src));
                }
                book.restore(new AddressManager.KnownAddress(addr, src, timestamp, lastTry, lastSuccess, attempts, tried, 0),
                        buckets, lastCount);
            }
            r.requireFullyConsumed();
            book.checkConsistency();
            return book;
        } catch (WireException | IllegalArgumentException | IllegalStateException e) {
            throw new IOException("address book is malformed: " + e.getMessage(), e);
        }
    }

    private static PeerAddress address(String host, int port) {
        return PeerAddress.parse(host, port).orElseThrow(() -> new IllegalArgumentException("bad host '" + host + "'"));
    }

    /** Writes the book through {@link AtomicFiles} (temp file, fsync, rename over, fsync directory). */
    public static void save(Path path, AddressManager book) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        AtomicFiles.write(path, encode(book), AtomicFiles.Publish.REPLACE);
    }

    public static AddressManager load(Path path, Clock clock, RandomGenerator random, boolean allowPrivateSubnets)
            throws IOException {
        return load(path, clock, random, allowPrivateSubnets, AddressGroups.prefixOnly());
    }

    public static AddressManager load(Path path, Clock clock, RandomGenerator random, boolean allowPrivateSubnets,
            AddressGroups groups) throws IOException {
        return decode(Files.readAllBytes(path), clock, random, allowPrivateSubnets, groups);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
