package io.zmtp.config.agent;

import org.junit.jupiter.api.Test;

import static io.zmtp.config.agent.HeartbeatRule.Action.NONE;
import static io.zmtp.config.agent.HeartbeatRule.Action.SYNC_FROM_HELD;
import static io.zmtp.config.agent.HeartbeatRule.Action.SYNC_FROM_ZERO;
import static org.assertj.core.api.Assertions.assertThat;

/** The heartbeat rule of PROTOCOL.md, "The agent's algorithm", step 6. */
class HeartbeatRuleTest {
    @Test
    void aLaterRevisionMeansSyncFromTheRevisionHeld() {
        assertThat(HeartbeatRule.decide(3, "d3", "e1", 5, "d5", "e1")).isEqualTo(SYNC_FROM_HELD);
        assertThat(HeartbeatRule.decide(3, "d3", "e1", 5, "d5", "e2")).isEqualTo(SYNC_FROM_HELD);
    }

    @Test
    void theSameRevisionWithAnotherDigestMeansAFullSnapshot() {
        assertThat(HeartbeatRule.decide(3, "d3", "e1", 3, "d3", "e1")).isEqualTo(NONE);
        assertThat(HeartbeatRule.decide(3, "d3", "e1", 3, "x", "e1")).isEqualTo(SYNC_FROM_ZERO);
    }

    @Test
    void anEarlierRevisionOfTheSameRunIsALateHeartbeat() {
        assertThat(HeartbeatRule.decide(7, "d7", "e1", 6, "d6", "e1")).isEqualTo(NONE);
        assertThat(HeartbeatRule.decide(7, "d7", null, 6, "d6", null)).as("a server without epochs").isEqualTo(NONE);
    }

    @Test
    void anEarlierRevisionOfAnotherRunMeansTheStoreWentBack() {
        assertThat(HeartbeatRule.decide(7, "d7", "e1", 6, "d6", "e2")).isEqualTo(SYNC_FROM_ZERO);
        assertThat(HeartbeatRule.decide(7, "d7", null, 6, "d6", "e2")).isEqualTo(SYNC_FROM_ZERO);
    }
}
