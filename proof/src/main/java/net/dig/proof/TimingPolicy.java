package net.dig.proof;

/**
 * The verifier's deadline for a challenge, measured on its own clock from sending the challenge to
 * receiving the whole bundle: {@code base + K × perRead} (+ {@code work} when the work part is asked).
 *
 * <p>How to set them from measured honest latency (docs/config.md, docs/BENCHMARKS.md): {@code base}
 * covers the round trip and everything but the chain (the p99.9 of an honest answer with K = 1 minus
 * one read); {@code perRead} the p99.9 of one local 4 KiB read with its proofs on the slowest disk an
 * honest node may use. An outsourcing prover pays one network round trip per dependent read, so with
 * {@code K} large enough that {@code K × (rtt − perRead)} exceeds the slack in {@code base}, it misses.
 * {@code work} is the p99.9 of the work search at the difficulty; timed challenges usually leave work
 * out so the deadline stays tight.
 */
public record TimingPolicy(long baseNanos, long perReadNanos, long workNanos) {
    public TimingPolicy {
        if (baseNanos < 0 || perReadNanos < 0 || workNanos < 0) {
            throw new IllegalArgumentException("timing allowances must not be negative");
        }
    }

    /** The deadline for {@code challenge}, in nanoseconds after it was sent. */
    public long deadlineNanos(Challenge challenge) {
        long reads = challenge.parts().access() ? challenge.accessReads() : 0;
        return baseNanos + reads * perReadNanos + (challenge.parts().work() ? workNanos : 0);
    }
}
