package io.zmtp.codec.curve;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zmtp.codec.command.Command;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sits right after the command decoder of a connected pipeline and records every command it passes on. */
final class CommandProbe extends ChannelInboundHandlerAdapter {
    final List<Command> seen = new CopyOnWriteArrayList<>();

    static CommandProbe install(EmbeddedChannel ch) {
        CommandProbe probe = new CommandProbe();
        ch.pipeline().addAfter("zmtp-command-decoder", "command-probe", probe);
        return probe;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Command c) {
            seen.add(c);
        }
        ctx.fireChannelRead(msg);
    }
}
