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
 */
public final class ZmtpPipeline {
    private ZmtpPipeline() {
    }

    public static void install(ChannelPipeline pipeline, ZmtpConfig config) {
        Mechanism mechanism = config.newMechanism();
        pipeline.addLast("zmtp-greeting", new GreetingHandler(mechanism.name(), config.identity().length,
                mechanism.asServer(), config.inboundLimits()));
        pipeline.addLast("zmtp-frame-encoder", new FrameEncoder());
        pipeline.addLast("zmtp-handshake", new HandshakeHandler(config, mechanism));
    }
}
