package net.dig.gossip;

/**
 * What the router's validation step did with first copies of received payloads.
 *
 * @param accepted delivered to the application and forwarded
 * @param ignored dropped without penalty
 * @param rejected dropped, the sender penalised
 * @param refused not taken in because {@link MessageBusConfig#maxValidationsInFlight()} validations were
 *     outstanding (not marked seen, so a later copy is taken in)
 * @param errors validations that threw or failed; the payload was ignored
 * @param inFlight validations outstanding now
 */
public record ValidationStats(long accepted, long ignored, long rejected, long refused, long errors, int inFlight) {
    public static final ValidationStats NONE = new ValidationStats(0, 0, 0, 0, 0, 0);
}
