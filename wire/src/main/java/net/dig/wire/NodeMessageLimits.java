package net.dig.wire;

/**
 * Caps of {@link NodeMessageCodec#decode}, checked before the protobuf parser allocates anything past them.
 *
 * @param maxMessageBytes largest encoded {@code DIGNodeMessage} (the whole body of one opcode-240 frame)
 * @param maxStringBytes largest string field (host, scheme, mode, capability, network id), UTF-8 bytes
 * @param maxCapabilities most capabilities in one announcement
 * @param maxChunkHashes most chunk hashes in one capsule response (a 16 MiB capsule has 4096 chunks)
 */
public record NodeMessageLimits(int maxMessageBytes, int maxStringBytes, int maxCapabilities, int maxChunkHashes) {
    /**
     * A data window of up to 4 MiB (the largest a fetch asks for) plus the 128 KiB chunk-hash prologue of a
     * 16 MiB capsule and headroom; 255-byte strings.
     */
    public static final NodeMessageLimits DEFAULT = new NodeMessageLimits((4 << 20) + (192 << 10), 255, 64, 4096);

    public NodeMessageLimits {
        if (maxMessageBytes <= 0 || maxStringBytes <= 0 || maxCapabilities < 0 || maxChunkHashes < 0) {
            throw new IllegalArgumentException("node message limits must be positive");
        }
    }
}
