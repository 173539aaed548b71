package net.dig.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.net.GossipHandle;
import net.dig.net.NodeMessaging;
import net.dig.proof.Beacon;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.service.StorageReports;
import net.dig.storage.DatastoreVersion;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodePayload;

/**
 * Storage reports for a running node (docs/decisions.md D69b): every {@code validation.report_interval_secs} (0 =
 * none) it builds its report ({@link StorageReports#build}) and sends it to the connected peers, one hop; reports
 * from peers (handed over by {@link ValidationWiring}'s subscription) are checked on one worker (sixteen waiting at most, the rest dropped) against owner-signed records: its
 * own version when it holds the same one, else the reporter's {@code GET /datastore/{id}/manifest}, kept once its id
 * derivation and owner signature check (the last {@link #KEPT_RECORDS}). Outcomes are counted in the service's status
 * and a false report is logged ({@code storage_report_false}).
 */
final class ReportWiring {
    private static final Duration HTTP_WAIT = Duration.ofSeconds(10);
    static final int KEPT_RECORDS = 4096;

    private ReportWiring() {}

    /**
     * Starts the reports; what to do with a report a peer sent (the caller's one subscription to node messages
     * decodes it and hands it here, on the event loop: the check is queued).
     */
    static java.util.function.BiConsumer<PeerId, NodeMessage> start(NodeRuntime runtime, Duration interval,
            NodeServices services, NodeIdentity identity, GossipHandle peers, NodeMessaging messaging, HttpClient http,
            Beacon beacon, Clock clock) {
        StorageReports reports = new StorageReports(beacon, clock);
        services.useReports(reports);
        ThreadPoolExecutor checks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16),
                Thread.ofPlatform().name("dig-report-check").daemon().factory());
        runtime.add("report-checks", checks::shutdownNow);
        Map<String, DatastoreVersion> records = lastUsed(KEPT_RECORDS);
        if (!interval.isZero()) {
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("dig-reports").daemon().factory());
            ticks.scheduleWithFixedDelay(() -> {
                try {
                    NodePayload.StorageReport r = reports.build(Bytes32.wrap(identity.publicKey()),
                            services.datastores().datastores(), services.proofs());
                    if (!r.entries().isEmpty()) {
                        for (var c : peers.connectedPeers().getNow(List.of())) {
                            messaging.send(c.peerId(), r);
                        }
                    }
                } catch (RuntimeException e) {
                    NodeLog.warn("validation", "storage_report_failed", Map.of("error", String.valueOf(e.getMessage())));
                }
            }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
            runtime.add("reports", () -> {
                ticks.shutdownNow();
                ticks.awaitTermination(10, TimeUnit.SECONDS);
            });
        }
        return (from, m) -> {
            if (m.payload() instanceof NodePayload.StorageReport r) {
                try {
                    checks.execute(() -> check(reports, m.senderKey(), from, r, services, messaging, http, records));
                } catch (RejectedExecutionException full) {
                    // a full queue drops the check
                }
            }
        };
    }

    /** A thread-safe map that keeps the {@code max} entries used last (the version records a node keeps). */
    static <K, V> Map<K, V> lastUsed(int max) {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        });
    }

    private static void check(StorageReports reports, Bytes32 reporter, PeerId from, NodePayload.StorageReport r,
                              NodeServices services, NodeMessaging messaging, HttpClient http,
                              Map<String, DatastoreVersion> records) {
        StorageReports.Outcome outcome = reports.check(reporter, r, e -> record(e, from, services, messaging, http, records));
        if (outcome == StorageReports.Outcome.FALSE) {
            NodeLog.warn("validation", "storage_report_false", Map.of("reporter", NodeIdentity.nodeIdOf(reporter.toArray()),
                    "why", String.valueOf(reports.status().lastFlag())));
        }
    }

    private static Optional<DatastoreVersion> record(NodePayload.ReportEntry e, PeerId from, NodeServices services,
                                                     NodeMessaging messaging, HttpClient http,
                                                     Map<String, DatastoreVersion> records) {
        String key = e.datastoreId().toHex() + "/" + e.version();
        DatastoreVersion known = records.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<DatastoreVersion> own = services.datastores().manifest(e.datastoreId()).map(m -> m.version())
                .filter(v -> v.version() == e.version());
        Optional<DatastoreVersion> found = own.isPresent() ? own : fetch(e, from, messaging, http);
        found.ifPresent(v -> records.put(key, v));
        return found;
    }

    private static Optional<DatastoreVersion> fetch(NodePayload.ReportEntry e, PeerId from, NodeMessaging messaging,
                                                    HttpClient http) {
        return messaging.directory().get(from).flatMap(info -> checkedManifest(e.datastoreId(), info, http))
                .map(ManifestCodec.Decoded::version).filter(v -> v.version() == e.version());
    }

    /**
     * The manifest of {@code id} as {@code holder}'s HTTP API serves it, kept only if its id derivation and owner
     * signature check (whoever serves it, the owner signed it); empty when it cannot be had.
     */
    static Optional<ManifestCodec.Decoded> checkedManifest(Bytes32 id, NodeDirectory.NodeInfo holder, HttpClient http) {
        Optional<URI> base = DhtWiring.httpUri(holder.announcement().http(), List.of());
        if (base.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<String> manifest = new HttpNodeSource(base.get(), http, HTTP_WAIT).manifest(id);
            if (manifest.isEmpty()) {
                return Optional.empty();
            }
            ManifestCodec.Decoded m = ManifestCodec.decode(manifest.get());
            DatastoreVersion v = m.version();
            return v.datastoreId().equals(id) && v.idDerivationValid() && v.signatureValid() ? Optional.of(m) : Optional.empty();
        } catch (IOException | RuntimeException ex) {
            NodeLog.warn("validation", "record_fetch_failed", Map.of("datastore_id", id.toHex(),
                    "error", String.valueOf(ex.getMessage())));
            return Optional.empty();
        }
    }
}
