package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The context makes sockets through the registry: every classic type is there; a missing one is named. */
class SocketTypeRegistryTest {
    @Test
    void everyClassicTypeIsRegisteredUnderItsOwnType() {
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            for (SocketType t : SocketType.values()) {
                Socket s = ctx.socket(t);
                assertThat(s.type()).isEqualTo(t);
                s.close();
            }
        }
    }

    @Test
    void anUnregisteredTypeIsRefusedByName() {
        SocketTypeRegistry empty = new SocketTypeRegistry();
        try (ZmtpContext ctx = new ZmtpContext(1)) {
            assertThatThrownBy(() -> empty.create(SocketType.PUSH, ctx))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PUSH");
        }
    }
}
