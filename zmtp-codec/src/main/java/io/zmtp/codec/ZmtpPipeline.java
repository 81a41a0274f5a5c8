package io.zmtp.codec;

import io.netty.channel.ChannelPipeline;
import io.zmtp.codec.handshake.HandshakeHandler;
import io.zmtp.codec.mechanism.Mechanism;

/**
 * Installs the ZMTP codec on a channel's pipeline. Call it first in your {@code initChannel}, then
 * add your own handlers: they receive {@link ZmtpMessage}s (or {@link ZmtpFrame}s when message
 * assembly is off), post-handshake {@link io.zmtp.codec.command.Command}s such as SUBSCRIBE, and
 * the user events {@link io.zmtp.codec.handshake.HandshakeCompleted} and
 * {@link io.zmtp.codec.handshake.HandshakeFailed}; they may write {@link ZmtpMessage}s,
 * {@link ZmtpFrame}s and commands at any time (writes wait for the handshake).
 *
 * <p>Handlers, head to tail: {@code zmtp-greeting} (replaced by {@code zmtp-frame-decoder} once
 * the greeting is in), {@code zmtp-frame-encoder}, {@code zmtp-handshake} (replaced by
 * {@code zmtp-command-decoder} and {@code zmtp-heartbeat} once the handshake is done). Messages
 * are assembled in {@code zmtp-frame-decoder} itself, after it has opened each CURVE box where it
 * lies (as the encoder boxes in its batch buffer).
 *
 * <p>A ZMTP 1.0 or 2.0 peer is spoken to in its own protocol, as libzmq 4.3 does, unless the
 * socket uses security (or a ZAP domain) or has a type ZMTP 2.0 does not know; then it is refused.
 */
public final class ZmtpPipeline {
    private ZmtpPipeline() {
    }

    public static void install(ChannelPipeline pipeline, ZmtpConfig config) {
        Mechanism mechanism = config.newMechanism();
        pipeline.addLast("zmtp-greeting", new GreetingHandler(mechanism.name(), config.identity().length,
                mechanism.asServer(), config.inboundLimits(), config.socketType().zmtp20Number(),
                legacyRefusal(config, mechanism)));
        pipeline.addLast("zmtp-frame-encoder", new FrameEncoder());
        pipeline.addLast("zmtp-handshake", new HandshakeHandler(config, mechanism));
    }

    /**
     * The codec for a connection whose own protocol stands in for the greeting (ZWS over WebSocket,
     * where the subprotocol names the mechanism): {@code zmtp-frame-decoder}, {@code zmtp-frame-encoder}
     * and {@code zmtp-handshake}, added after the handler named {@code after}. The handshake starts
     * when the caller fires a {@link io.zmtp.codec.handshake.GreetingReceived} through them: version
     * 3.1 for a mechanism's handshake, 2.0 for identity frames only. Subscriptions always travel as
     * {@code 0x01}/{@code 0x00} messages there, as libzmq's ws engine sends them.
     *
     * <p>The encoder writes each frame in {@code envelope} (the protocol's own framing) instead of a
     * ZMTP header; with a null envelope it writes ZMTP frames and a handler of the caller's below it
     * must translate them, so every write then passes through the pipeline.
     */
    public static void installWithoutGreeting(ChannelPipeline pipeline, String after, ZmtpConfig config,
            FrameEnvelope envelope) {
        Mechanism mechanism = config.newMechanism();
        FrameEncoder encoder = new FrameEncoder();
        encoder.subscriptionsAsMessages();
        if (envelope != null) {
            encoder.envelope(envelope);
        } else {
            encoder.keepWritesInPipeline();
        }
        pipeline.addAfter(after, "zmtp-frame-decoder", new FrameDecoder(config.inboundLimits(), 0));
        pipeline.addAfter("zmtp-frame-decoder", "zmtp-frame-encoder", encoder);
        pipeline.addAfter("zmtp-frame-encoder", "zmtp-handshake", new HandshakeHandler(config, mechanism));
    }

    /** {@link #installWithoutGreeting(ChannelPipeline, String, ZmtpConfig, FrameEnvelope)} with no envelope. */
    public static void installWithoutGreeting(ChannelPipeline pipeline, String after, ZmtpConfig config) {
        installWithoutGreeting(pipeline, after, config, null);
    }

    /**
     * Why a socket of {@code config} refuses peers without a security handshake (ZMTP 1.0/2.0, or
     * ZWS 2.0's "no mechanism"), or null when it speaks to them.
     */
    public static String legacyRefusal(ZmtpConfig config) {
        return legacyRefusal(config, config.newMechanism());
    }

    /**
     * Why this socket refuses ZMTP 1.0/2.0 peers, or null when it speaks to them: libzmq refuses
     * them whenever ZAP is in use (a mechanism other than NULL, or a ZAP domain; here also a NULL
     * socket with an authenticator, which we consult without a domain), and ZMTP 2.0
     * knows none of the draft socket types (which need single frames, JOIN and LEAVE).
     */
    static String legacyRefusal(ZmtpConfig config, Mechanism mechanism) {
        if (!"NULL".equals(mechanism.name())) {
            return "a " + mechanism.name() + " socket speaks ZMTP 3.x only (ZMTP 1.0/2.0 have no security)";
        }
        if (!config.zapDomain().isEmpty() || config.authenticator() != null) {
            // A NULL socket's authenticator (an address whitelist, say) must not be bypassed by a
            // peer that skips the handshake it would run in.
            return "a socket with a ZAP domain or an authenticator speaks ZMTP 3.x only (ZMTP 1.0/2.0 have no security)";
        }
        if (config.socketType().zmtp20Number() < 0) {
            return "ZMTP 2.0 has no " + config.socketType() + " socket type";
        }
        return null;
    }
}
