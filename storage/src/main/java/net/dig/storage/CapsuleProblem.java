package net.dig.storage;

import net.dig.core.Bytes32;

/** A capsule that failed verification, and why. */
public record CapsuleProblem(Bytes32 datastoreId, int capsuleIndex, String reason) {}
