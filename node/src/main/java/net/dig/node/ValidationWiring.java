package net.dig.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.PeerId;
import net.dig.net.ChallengeServing;
import net.dig.net.GossipHandle;
import net.dig.net.HoldingsExchange;
import net.dig.net.NodeMessaging;
import net.dig.proof.LocalBeacon;
import net.dig.service.ErrorCode;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.service.ServiceException;
import net.dig.service.ValidatorService;
import net.dig.storage.DatastoreVersion;
import net.dig.wire.NodeMessage;
import net.dig.wire.NodeMessageCodec;
import net.dig.wire.NodeMessageLimits;
import net.dig.wire.NodePayload;
import net.dig.wire.WireException;

/**
 * Storage challenges over the peer network (docs/decisions.md D68a, D68b). Every node answers them
 * ({@link ChallengeServing} on a small bounded pool: a full pool refuses with a retry), keeps the attestations its
 * peers' validators send it ({@code NodeServices.attestations}) and runs storage reports ({@link ReportWiring}).
 *
 * <p>With {@code validation.enabled} the node is also a validator: a {@link ValidatorService} ticked every
 * {@code validation.interval_secs} on its own thread, one challenge at a time. Its targets are the connected peers'
 * holdings (opcode 222) joined with their node keys (their announcements) and the owner-signed version record of
 * each datastore, taken from a holder's {@code GET /datastore/{id}/manifest} and kept once its id derivation and
 * owner signature check. Each outcome is a signed attestation, kept and sent to the connected peers, one hop. After
 * each pass the validator reads the proven capsule from the holder's HTTP API, as a client would, and checks it
 * against the manifest's capsule hash (quality of service). The beacon is a local one seeded by the network id (a
 * devnet's public entropy); the Chia beacon sits behind the same interface.
 */
final class ValidationWiring {
    private static final Duration HTTP_WAIT = Duration.ofSeconds(10);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);
    /** A tick draws its target among this many at most (datastores in random order), so it stays cheap with many. */
    private static final int TARGETS_A_TICK = 32;
    /** Version records a tick may fetch over HTTP at most (the rest wait for later ticks). */
    private static final int RECORD_FETCHES_A_TICK = 4;

    private ValidationWiring() {}

    /** Starts answering challenges, and the validator when configured; the validator, or null. */
    static ValidatorService<PeerId> start(NodeRuntime runtime, NodeConfig config, NodeServices services, NodeIdentity identity,
            GossipHandle peers, NodeMessaging messaging, HoldingsExchange holdings, Clock clock, RandomGenerator random) {
        ThreadPoolExecutor provers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16),
                Thread.ofPlatform().name("dig-challenge-", 0).daemon().factory());
        runtime.add("challenge-workers", provers::shutdownNow);
        runtime.add("challenge-serving", ChallengeServing.start(peers, messaging, services.proofs(), provers));
        NodeConfig.ValidationSection v = config.validation();
        HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_WAIT).build();
        runtime.add("validation-http", http::shutdownNow);
        LocalBeacon beacon = new LocalBeacon(Sha256.hash(("dig:beacon:" + config.network().networkId())
                .getBytes(StandardCharsets.UTF_8)));
        var reports = ReportWiring.start(runtime, v.reportInterval(), services, identity, peers, messaging, http, beacon, clock);
        // one subscription, one decode, for what validators and reporters send without a request id
        runtime.add("attestations-and-reports-in", peers.subscribe(t -> t == NodeMessage.OPCODE, (from, message) -> {
            if (message.id().isEmpty()) {
                try {
                    NodeMessage m = NodeMessageCodec.decode(message.data(), NodeMessageLimits.DEFAULT);
                    if (m.payload() instanceof NodePayload.StorageAttestation a) {
                        services.attestations().add(a); // the bus checked the validator's signature and that it sent it
                    } else {
                        reports.accept(from, m);
                    }
                } catch (WireException e) {
                    // the bus accepted it, so it decodes
                }
            }
            return CompletableFuture.completedFuture(null);
        })::close);
        if (!v.enabled()) {
            return null;
        }
        java.util.concurrent.ExecutorService verifying = Executors.newVirtualThreadPerTaskExecutor();
        runtime.add("validation-workers", verifying::shutdownNow);
        ValidatorService<PeerId> validator = new ValidatorService<>(identity, transport(messaging, holdings, http, peers,
                services, clock, new java.util.Random(random.nextLong()), verifying), beacon, v.settings(), clock, random);
        services.useValidator(validator);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("dig-validator").daemon().factory());
        long period = v.interval().toMillis();
        ticks.scheduleWithFixedDelay(() -> {
            try {
                NodePayload.StorageAttestation a = validator.tick().toCompletableFuture().get(ANSWER_WAIT.toSeconds(), TimeUnit.SECONDS);
                if (a != null) {
                    NodeLog.info("validation", a.passed() ? "challenge_passed" : "challenge_failed", Map.of(
                            "prover", NodeIdentity.nodeIdOf(a.proverKey().toArray()), "datastore_id", a.datastoreId().toHex(),
                            "verdict", ValidatorService.verdictOf(a).name(), "elapsed_ms", a.elapsedNanos() / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                NodeLog.warn("validation", "validation_tick_failed", Map.of("error", String.valueOf(e.getMessage())));
            }
        }, period, period, TimeUnit.MILLISECONDS);
        runtime.add("validator", () -> {
            ticks.shutdownNow();
            ticks.awaitTermination(10, TimeUnit.SECONDS);
        });
        return validator;
    }

    private static ValidatorService.Transport<PeerId> transport(NodeMessaging messaging, HoldingsExchange holdings,
            HttpClient http, GossipHandle peers, NodeServices services, Clock clock, java.util.Random random,
            java.util.concurrent.Executor workers) {
        Map<Bytes32, ManifestCodec.Decoded> records = ReportWiring.lastUsed(ReportWiring.KEPT_RECORDS);
        return new ValidatorService.Transport<>() {
            @Override
            public List<ValidatorService.Target<PeerId>> targets() {
                List<Bytes32> ids = new ArrayList<>(holdings.book().contentKeys());
                java.util.Collections.shuffle(ids, random);
                List<ValidatorService.Target<PeerId>> out = new ArrayList<>();
                int fetches = 0;
                for (Bytes32 id : ids) {
                    if (out.size() >= TARGETS_A_TICK) {
                        break;
                    }
                    for (var holder : holdings.connectedHolders(id)) {
                        Optional<NodeDirectory.NodeInfo> info = messaging.directory().get(holder.peer());
                        if (info.isEmpty()) {
                            continue;
                        }
                        ManifestCodec.Decoded record = records.get(id);
                        if (record == null && fetches < RECORD_FETCHES_A_TICK) {
                            fetches++;
                            record = fetchRecord(id, info.get());
                            if (record != null) {
                                records.put(id, record);
                            }
                        }
                        if (record != null) {
                            out.add(new ValidatorService.Target<>(holder.peer(), info.get().nodeKey(), record.version()));
                        }
                    }
                }
                return out;
            }

            private ManifestCodec.Decoded fetchRecord(Bytes32 id, NodeDirectory.NodeInfo holder) {
                return ReportWiring.checkedManifest(id, holder, http).orElse(null);
            }

            @Override
            public Optional<DatastoreVersion> current(ValidatorService.Target<PeerId> target) {
                Bytes32 id = target.version().datastoreId();
                Optional<ManifestCodec.Decoded> now = messaging.directory().get(target.peer()).map(info -> fetchRecord(id, info));
                now.ifPresent(m -> records.put(id, m));
                return now.map(ManifestCodec.Decoded::version);
            }

            @Override
            public CompletionStage<ValidatorService.Probe> probe(ValidatorService.Target<PeerId> target, int capsuleIndex) {
                ManifestCodec.Decoded m = records.get(target.version().datastoreId());
                Optional<URI> base = messaging.directory().get(target.peer())
                        .flatMap(info -> DhtWiring.httpUri(info.announcement().http(), List.of()));
                if (m == null || m.version().version() != target.version().version() || base.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
                return CompletableFuture.supplyAsync(() -> {
                    long start = clock.nanos();
                    try {
                        byte[] bytes = new HttpNodeSource(base.get(), http, HTTP_WAIT).capsule(m.version().datastoreId(), capsuleIndex);
                        long elapsed = clock.nanos() - start;
                        return new ValidatorService.Probe(bytes.length, elapsed,
                                Sha256.hash(bytes).equals(m.capsules().get(capsuleIndex).hash()));
                    } catch (IOException | RuntimeException e) {
                        return new ValidatorService.Probe(0, clock.nanos() - start, false);
                    }
                });
            }

            @Override
            public void publish(NodePayload.StorageAttestation attestation) {
                services.attestations().add(attestation);
                for (var c : peers.connectedPeers().getNow(List.of())) {
                    messaging.send(c.peerId(), attestation); // one hop: receivers keep it, never forward it
                }
            }

            @Override
            public CompletionStage<byte[]> challenge(PeerId peer, NodePayload.ValidationChallenge challenge) {
                // the answer arrives on the connection's event loop: verification (and a record re-fetch after a failure)
                // continue on a worker, whichever way the request ended
                return messaging.request(peer, challenge).handleAsync((checked, error) -> {
                    if (error != null) {
                        throw error instanceof CompletionException c ? c : new CompletionException(error);
                    }
                    return switch (checked.message().payload()) {
                        case NodePayload.ProofResponse p when p.challengeId().equals(challenge.challengeId()) -> p.bundle();
                        case NodePayload.NodeRefusal r -> throw new CompletionException(new ServiceException(ErrorCode.NOT_FOUND,
                                "refused: " + r.code() + ": " + r.reason()));
                        default -> throw new CompletionException(new ServiceException(ErrorCode.NOT_FOUND, "no proof in the answer"));
                    };
                }, workers);
            }
        };
    }
}
