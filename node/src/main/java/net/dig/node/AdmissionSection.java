package net.dig.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import net.dig.net.AdmissionLimits;

/**
 * {@code network.admission:} - inbound connections that have not finished the P2P handshake
 * ({@link AdmissionLimits}; docs/decisions.md D30d): at most {@code max_per_address} from one IP address and
 * {@code max_per_netgroup} from one network group (IPv4 /16, IPv6 /32, each loopback address its own) at
 * once, and {@code deadline_secs} from accept to the end of the handshake.
 */
record AdmissionSection(int maxPerAddress, int maxPerNetgroup,
                        @JsonProperty("deadline_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration deadline) {
    AdmissionSection {
        if (maxPerAddress < 1) {
            throw new ConfigException("max_per_address", "must be >= 1, got " + maxPerAddress);
        }
        if (maxPerNetgroup < maxPerAddress) {
            throw new ConfigException("max_per_netgroup", "must be >= max_per_address (" + maxPerAddress + "), got " + maxPerNetgroup);
        }
        NodeConfig.require(deadline, "deadline_secs");
        if (deadline.compareTo(AdmissionLimits.defaults().silenceGrace()) <= 0) {
            throw new ConfigException("deadline_secs", "must be >= 2, got " + deadline.toSeconds());
        }
    }

    AdmissionLimits limits() {
        return new AdmissionLimits(maxPerAddress, maxPerNetgroup, deadline, AdmissionLimits.defaults().silenceGrace());
    }
}
