package net.dig.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChurnTest} at full size: 20,000 connections (19,000 raw TCP, 1,000 TLS without upgrade). */
class ChurnIT {
    @TempDir Path dir;
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void tearDown() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    @Timeout(300)
    void twentyThousandConnectionsClosedBeforeTheirHandshakeLeaveNothingBehind() throws Exception {
        ChurnTest.churn(dir, clients, 19_000, 1_000);
    }
}
