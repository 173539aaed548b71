package net.dig.proof;

/**
 * Which parts a bundle carries besides ownership (the signature over challenge and plot id, always
 * present). Encoded as a bit set: inclusion 0x01, physical access 0x02, work 0x04.
 */
public record ProofParts(boolean inclusion, boolean access, boolean work) {
    public static final ProofParts OWNERSHIP = new ProofParts(false, false, false);
    public static final ProofParts INCLUSION = new ProofParts(true, false, false);
    public static final ProofParts PHYSICAL_ACCESS = new ProofParts(false, true, false);
    public static final ProofParts WORK = new ProofParts(false, false, true);
    public static final ProofParts FULL = new ProofParts(true, true, true);

    public int bits() {
        return (inclusion ? 1 : 0) | (access ? 2 : 0) | (work ? 4 : 0);
    }

    /** The parts of {@code bits}; {@code null} when a bit outside 0x07 is set. */
    public static ProofParts ofBits(int bits) {
        if ((bits & ~7) != 0) {
            return null;
        }
        return new ProofParts((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0);
    }
}
