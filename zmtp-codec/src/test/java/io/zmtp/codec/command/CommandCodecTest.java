package io.zmtp.codec.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.zmtp.codec.Metadata;
import io.zmtp.codec.ZmtpFrame;
import io.zmtp.codec.ZmtpProtocolException;
import io.zmtp.codec.mechanism.PlainHello;
import io.zmtp.codec.mechanism.PlainWelcome;
import io.zmtp.testing.Hex;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command bodies byte for byte, as ZMTP.md shows them captured from libzmq 4.3.4. */
class CommandCodecTest {
    private static byte[] encode(Command c) {
        ZmtpFrame f = CommandCodec.encode(ByteBufAllocator.DEFAULT, c);
        assertThat(f.isCommand()).isTrue();
        return Hex.drain(f.content());
    }

    private static Command decode(String layout) {
        ByteBuf body = Hex.buf(layout);
        try {
            return CommandCodec.decode(body);
        } finally {
            body.release();
        }
    }

    @Test
    void readyOfADealerWithoutIdentityMatchesLibzmq() {
        Metadata m = Metadata.builder().put("Socket-Type", "DEALER").put("Identity", new byte[0]).build();
        byte[] body = Hex.bytes("05 'READY' 0B 'Socket-Type' 00 00 00 06 'DEALER' 08 'Identity' 00 00 00 00");
        assertThat(body).hasSize(0x29);
        assertThat(encode(new Ready(m))).isEqualTo(body);
        Ready decoded = (Ready) decode("05 'READY' 0B 'Socket-Type' 00 00 00 06 'DEALER' 08 'Identity' 00 00 00 00");
        assertThat(decoded.metadata()).isEqualTo(m);
        assertThat(decoded.metadata().getString("socket-type")).isEqualTo("DEALER");
    }

    @Test
    void readyWithATrailingStrayByteIsAProtocolError() {
        assertThatThrownBy(() -> decode("05 'READY' 0B 'Socket-Type' 00 00 00 03 'PUB' 00"))
                .isInstanceOf(ZmtpProtocolException.class);
    }

    @Test
    void errorUsesALengthPrefixedReason() {
        assertThat(encode(new ErrorCommand("400"))).isEqualTo(Hex.bytes("05 'ERROR' 03 '400'"));
        assertThat(decode("05 'ERROR' 03 '400'")).isEqualTo(new ErrorCommand("400"));
    }

    /** Found by CommandFuzzTest: bad bytes decoded to replacement characters, three UTF-8 bytes each. */
    @Test
    void anErrorReasonThatIsNotUtf8IsAProtocolError() {
        StringBuilder bad = new StringBuilder("05 'ERROR' 56");
        for (int i = 0; i < 0x56; i++) {
            bad.append(" A2");
        }
        assertThatThrownBy(() -> decode(bad.toString())).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> decode("05 'ERROR' 05 'Inv' A2 93")).isInstanceOf(ZmtpProtocolException.class);
        ErrorCommand utf8 = (ErrorCommand) decode("05 'ERROR' 06 'caf' C3 A9 '!'");
        assertThat(utf8.reason()).isEqualTo("caf\u00e9!");
    }

    @Test
    void recognisesAndWritesLibzmqsMisspeltPlainError() {
        assertThat(encode(new ErrorCommand("400", true))).isEqualTo(Hex.bytes("5E 'RROR' 03 '400'"));
        assertThat(new ErrorCommand("400", true).encodedLength()).isEqualTo(9);
        ErrorCommand e = (ErrorCommand) decode("5E 'RROR' 03 '400'");
        assertThat(e.reason()).isEqualTo("400");
        assertThat(e.libzmqPlainSpelling()).isTrue();
        assertThat(e.isAuthFailure()).isTrue();
    }

    @Test
    void subscriptionCommandsMatchRfc37() {
        assertThat(encode(new Subscribe("abc".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Hex.bytes("09 'SUBSCRIBE' 'abc'"));
        assertThat(encode(new Cancel("abc".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Hex.bytes("06 'CANCEL' 'abc'"));
        assertThat(decode("09 'SUBSCRIBE'")).isEqualTo(new Subscribe(new byte[0]));
        assertThat(decode("06 'CANCEL' 'xy'")).isEqualTo(new Cancel("xy".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void pingAndPong() {
        assertThat(encode(new Ping(15, new byte[0]))).isEqualTo(Hex.bytes("04 'PING' 00 0F"));
        assertThat(encode(new Pong(new byte[0]))).isEqualTo(Hex.bytes("04 'PONG'"));
        assertThat(decode("04 'PING' FF FF 'ctx'")).isEqualTo(new Ping(0xFFFF, "ctx".getBytes(StandardCharsets.US_ASCII)));
        // A context longer than 16 bytes is cut to 16, as libzmq echoes it.
        Ping longContext = (Ping) decode("04 'PING' 00 01 '0123456789abcdefXYZ'");
        assertThat(longContext.context()).hasSize(16);
        assertThatThrownBy(() -> decode("04 'PING' 00")).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("TTL");
    }

    @Test
    void plainHandshakeCommands() {
        assertThat(encode(new PlainHello("admin".getBytes(StandardCharsets.US_ASCII), "secret".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(Hex.bytes("05 'HELLO' 05 'admin' 06 'secret'"));
        assertThat(encode(new PlainWelcome())).isEqualTo(Hex.bytes("07 'WELCOME'"));
        ByteBuf data = Hex.buf("05 'admin' 07 'secret'");
        assertThatThrownBy(() -> PlainHello.decodeData(data)).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("password length 7");
        data.release();
    }

    @Test
    void unknownCommandsAreKeptNotRefused() {
        assertThat(decode("06 'FUTURE' 'grp'")).isEqualTo(new UnknownCommand("FUTURE", "grp".getBytes(StandardCharsets.US_ASCII)));
    }

    /** RADIO/DISH group commands, as libzmq's dish session writes them: name, then the group's bytes. */
    @Test
    void joinAndLeaveCarryTheGroup() {
        assertThat(encode(new Join("news".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Hex.bytes("04 'JOIN' 'news'"));
        assertThat(encode(new Leave("news".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Hex.bytes("05 'LEAVE' 'news'"));
        assertThat(decode("04 'JOIN' 'grp'")).isEqualTo(new Join("grp".getBytes(StandardCharsets.US_ASCII)));
        assertThat(decode("05 'LEAVE'")).isEqualTo(new Leave(new byte[0]));
        assertThat(((Join) decode("04 'JOIN' '" + "g".repeat(255) + "'")).groupName()).hasSize(255);
        assertThatThrownBy(() -> decode("04 'JOIN' '" + "g".repeat(256) + "'")).isInstanceOf(ZmtpProtocolException.class)
                .hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> new Leave(new byte[256])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedNamesAreProtocolErrors() {
        assertThatThrownBy(() -> decode("")).isInstanceOf(ZmtpProtocolException.class).hasMessageContaining("empty command");
        assertThatThrownBy(() -> decode("00 'x'")).isInstanceOf(ZmtpProtocolException.class).hasMessageContaining("empty name");
        assertThatThrownBy(() -> decode("09 'READY'")).isInstanceOf(ZmtpProtocolException.class).hasMessageContaining("exceeds");
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        assertThatThrownBy(() -> CommandCodec.name(empty)).isInstanceOf(ZmtpProtocolException.class);
    }
}
