package io.zmtp.config.agent;

/**
 * What a HEARTBEAT tells an agent that is not syncing. HEARTBEATs come on the PUB socket and sync
 * answers on the ROUTER, so a heartbeat sent before a revision can arrive after the agent applied
 * that revision from a sync answer: a lower revision alone proves nothing. It means the server's
 * store went back only when the heartbeat comes from another server run (another {@code epoch})
 * than the one the agent last synced with; within one run a namespace's revision never decreases.
 */
final class HeartbeatRule {
    /** The agent's reaction. */
    enum Action {
        /** Nothing to do: in step, or a late heartbeat. */
        NONE,
        /** The server is ahead: SYNC from the revision held. */
        SYNC_FROM_HELD,
        /** The content differs, or the server's store went back: SYNC from 0 (a full snapshot). */
        SYNC_FROM_ZERO
    }

    private HeartbeatRule() {
    }

    /**
     * @param heldRev     the revision the agent holds
     * @param heldDigest  its digest
     * @param heldEpoch   the epoch of the server run the agent last synced with (or saw in a
     *                    heartbeat at or above its revision), null if none yet
     * @param rev         the heartbeat's revision
     * @param digest      the heartbeat's digest
     * @param epoch       the heartbeat's epoch, null from a server that sends none
     */
    static Action decide(long heldRev, String heldDigest, String heldEpoch, long rev, String digest, String epoch) {
        if (rev > heldRev) {
            return Action.SYNC_FROM_HELD;
        }
        if (rev == heldRev) {
            return digest.equals(heldDigest) ? Action.NONE : Action.SYNC_FROM_ZERO;
        }
        boolean sameRun = epoch == null || epoch.equals(heldEpoch);
        return sameRun ? Action.NONE : Action.SYNC_FROM_ZERO;
    }
}
