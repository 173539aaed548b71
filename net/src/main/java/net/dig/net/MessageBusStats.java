package net.dig.net;

import net.dig.gossip.MessageBus;
import net.dig.gossip.ValidationStats;

/** The message bus's delivery counters and the Plumtree router's validation counters, for one node. */
public record MessageBusStats(MessageBus.Stats delivery, ValidationStats validation) {}
