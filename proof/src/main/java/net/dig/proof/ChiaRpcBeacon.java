package net.dig.proof;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import net.dig.core.Bytes32;

/**
 * Entropy from the Chia blockchain: the header hash of the block at height {@code epoch}, read from a
 * Chia full node's RPC ({@code POST /get_block_record_by_height} with {@code {"height": N}}, answer
 * {@code {"block_record": {"header_hash": "0x…", …}, "success": true}}).
 *
 * <p>Why a block hash: it is public, fixed once the block is buried, and unknown before it is farmed,
 * so a prover cannot precompute answers for future challenges. Validators should ask for a height a
 * few blocks below the peak so a reorg does not change the entropy under them.
 *
 * <p>Transport: HTTPS with mutual TLS as Chia's own RPC clients do it: the node's client certificate
 * and key ({@code private_full_node.crt/.key}, PEM, PKCS#8) and trust in the private CA
 * ({@code private_ca.crt}) only. Chia's certificates name no host, so the host name is not checked;
 * the chain to the private CA is ({@link #mutualTls}). Only {@code success} and
 * {@code block_record.header_hash} are read from the answer; anything else is ignored.
 *
 * <p>Thread-safe; each call is one blocking request bounded by the timeout. Failures are
 * {@link BeaconUnavailableException} with a {@link BeaconUnavailableException.Reason}.
 */
public final class ChiaRpcBeacon implements Beacon {
    private static final Pattern SUCCESS = Pattern.compile("\"success\"\\s*:\\s*true");
    private static final Pattern HEADER_HASH = Pattern.compile("\"header_hash\"\\s*:\\s*\"(?:0x)?([0-9a-fA-F]{64})\"");

    private final URI endpoint;
    private final HttpClient client;
    private final Duration timeout;

    /** {@code rpcBase}: e.g. {@code https://localhost:8555/}; {@code client} carries the TLS setup. */
    public ChiaRpcBeacon(URI rpcBase, HttpClient client, Duration timeout) {
        this.endpoint = rpcBase.resolve("get_block_record_by_height");
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public Bytes32 entropy(long epoch) {
        if (epoch < 0) {
            throw new BeaconUnavailableException(BeaconUnavailableException.Reason.NO_SUCH_EPOCH,
                    "block height must not be negative, got " + epoch, null);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"height\": " + epoch + "}")).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BeaconUnavailableException(BeaconUnavailableException.Reason.UNREACHABLE,
                    "Chia RPC " + endpoint + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BeaconUnavailableException(BeaconUnavailableException.Reason.UNREACHABLE,
                    "interrupted while asking Chia RPC " + endpoint, e);
        }
        return parse(epoch, response.statusCode(), response.body());
    }

    static Bytes32 parse(long height, int status, String body) {
        if (status != 200 || body == null || !SUCCESS.matcher(body).find()) {
            throw new BeaconUnavailableException(BeaconUnavailableException.Reason.NO_SUCH_EPOCH,
                    "Chia RPC has no block record at height " + height + " (HTTP " + status + ")", null);
        }
        Matcher m = HEADER_HASH.matcher(body);
        if (!m.find()) {
            throw new BeaconUnavailableException(BeaconUnavailableException.Reason.MALFORMED_ANSWER,
                    "Chia RPC block record at height " + height + " carries no 32-byte header_hash", null);
        }
        return Bytes32.fromHex(m.group(1));
    }

    /**
     * The TLS context of a Chia RPC client: {@code certPem}/{@code keyPem} the node's certificate and
     * its PKCS#8 key, {@code caPem} the private CA that signed the full node's server certificate.
     */
    public static SSLContext mutualTls(Path certPem, Path keyPem, Path caPem) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Certificate cert = cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certPem)));
        Certificate ca = cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem)));
        byte[] der = pemBody(Files.readString(keyPem, StandardCharsets.US_ASCII), "PRIVATE KEY");
        PrivateKey key = privateKey(der);
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, none);
        keys.setKeyEntry("client", key, none, new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, none);
        trust.setCertificateEntry("chia-private-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        X509TrustManager chain = (X509TrustManager) tmf.getTrustManagers()[0];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new ChainOnlyTrust(chain)}, null);
        return ctx;
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static byte[] pemBody(String pem, String label) throws IOException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException("no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    }

    /** Checks the server's chain against the private CA and nothing else (Chia certificates name no host). */
    private static final class ChainOnlyTrust extends X509ExtendedTrustManager {
        private final X509TrustManager chain;

        ChainOnlyTrust(X509TrustManager chain) {
            this.chain = chain;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            chain.checkServerTrusted(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            chain.checkServerTrusted(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            chain.checkServerTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("a beacon client accepts no client connections");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(certs, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain.getAcceptedIssuers();
        }
    }
}
