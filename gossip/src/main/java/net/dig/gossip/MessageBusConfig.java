package net.dig.gossip;

/**
 * Bounds of the {@link MessageBus} and of the validation step of the Plumtree router.
 *
 * @param maxValidationsInFlight payloads whose validation has not completed yet, per router; a first copy
 *     beyond it is refused (counted) and not marked seen, so a later copy or announcement can bring it again
 * @param maxUndeliveredPerType messages handed to one subscription's handler whose stage has not completed,
 *     per message type; at it, a connection's direct messages pause that connection's reads, and a message
 *     the Plumtree router accepted is refused and counted, never dropped unseen
 */
public record MessageBusConfig(int maxValidationsInFlight, int maxUndeliveredPerType) {
    public MessageBusConfig {
        if (maxValidationsInFlight < 1) {
            throw new IllegalArgumentException("max_validations_in_flight must be at least 1 but was " + maxValidationsInFlight);
        }
        if (maxUndeliveredPerType < 1) {
            throw new IllegalArgumentException("max_undelivered_per_type must be at least 1 but was " + maxUndeliveredPerType);
        }
    }

    public static MessageBusConfig defaults() {
        return new MessageBusConfig(1024, 1024);
    }
}
