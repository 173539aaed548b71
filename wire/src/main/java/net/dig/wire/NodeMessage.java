package net.dig.wire;

import java.util.Arrays;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;

/**
 * One DIG node message (opcode {@link #OPCODE}), as signed or as received: the payload, the envelope fields
 * and the canonical bytes the signature is made from ({@link NodeMessageCodec} draws the layout: the bytes
 * themselves, or for a capsule response their digest form). {@link #signatureValid} checks the Ed25519
 * signature, from bytes that on the receiving side are built from the payload bytes as they arrived, never
 * from a re-serialisation.
 *
 * @param timestamp Unix seconds at signing
 * @param senderKey the sender's raw Ed25519 public key
 * @param sequence per sender strictly increasing
 * @param signedBytes canonical bytes ‖ u64 BE timestamp
 */
public record NodeMessage(NodePayload payload, long timestamp, Bytes32 senderKey, long sequence, String networkId,
        byte[] signature, byte[] signedBytes) {
    /** {@code DIG_NODE_MESSAGE}: outside the band the DIG network has assigned (200..226). */
    public static final int OPCODE = 240;

    public NodeMessage {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(senderKey, "senderKey");
        Objects.requireNonNull(networkId, "networkId");
        signature = signature.clone();
        signedBytes = signedBytes.clone();
    }

    /** The sender's node id ({@code dig1…}). */
    public String senderNodeId() {
        return NodeIdentity.nodeIdOf(senderKey.toArray());
    }

    /** Whether {@link #signature} is the sender key's Ed25519 signature of what {@link #signedBytes} make signed. */
    public boolean signatureValid() {
        return NodeIdentity.verify(senderKey.toArray(), NodeMessageCodec.signatureInput(signedBytes), signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeMessage m && Arrays.equals(signedBytes, m.signedBytes) && Arrays.equals(signature, m.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signedBytes);
    }

    @Override
    public String toString() {
        return "NodeMessage[" + payload.getClass().getSimpleName() + " from " + senderNodeId() + " seq " + sequence + "]";
    }
}
