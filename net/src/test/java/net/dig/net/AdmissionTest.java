package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admission caps and the upgrade gate, without sockets. */
class AdmissionTest {
    @Test
    void handshakeSlotsAreCappedByTheInflightLimitAndByMaxConnections() {
        AtomicInteger live = new AtomicInteger();
        Admission admission = new Admission(5, 3, live::get, address -> false);
        assertThat(admission.tryAcquire()).isTrue();
        assertThat(admission.tryAcquire()).isTrue();
        assertThat(admission.tryAcquire()).isTrue();
        assertThat(admission.tryAcquire()).as("in-flight cap").isFalse();
        admission.release();
        live.set(3);
        assertThat(admission.tryAcquire()).as("2 in flight + 3 live = max_connections").isFalse();
        live.set(2);
        assertThat(admission.tryAcquire()).isTrue();
        assertThat(admission.refused()).isEqualTo(2);
        assertThat(admission.inflight()).isEqualTo(3);
    }

    @Test
    void admissionHandlerClosesAtOnceWhenNoSlotIsFreeAndGivesTheSlotBackOnClose() {
        Admission admission = new Admission(1, 1, () -> 0, address -> false);
        EmbeddedChannel first = new EmbeddedChannel(new AdmissionHandler(admission));
        assertThat(first.isActive()).isTrue();
        EmbeddedChannel second = new EmbeddedChannel(new AdmissionHandler(admission));
        assertThat(second.isActive()).isFalse();
        first.close();
        assertThat(admission.inflight()).isZero();
        EmbeddedChannel third = new EmbeddedChannel(new AdmissionHandler(admission));
        assertThat(third.isActive()).isTrue();
        third.finishAndReleaseAll();
    }

    private static FullHttpResponse gate(String uri, boolean banned) {
        AtomicBoolean passed = new AtomicBoolean();
        Admission admission = new Admission(10, 10, () -> 0, address -> banned);
        EmbeddedChannel channel = new EmbeddedChannel(new UpgradeGate(admission), new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                passed.set(true);
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        });
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        channel.writeInbound(request);
        assertThat(request.refCnt()).isZero();
        FullHttpResponse response = channel.readOutbound();
        if (response == null) {
            assertThat(passed).isTrue();
        }
        channel.finishAndReleaseAll();
        return response;
    }

    @Test
    void upgradeGateAnswers404ForOtherPathsAndPassesWsRequestsOn() {
        // EmbeddedChannel's remote address is not an InetSocketAddress, so "banned" only shows with a real socket;
        // PeerChannelsTest.bannedAddressGets403OnUpgrade covers it. Here: the path rule and pass-through.
        FullHttpResponse notFound = gate("/other", false);
        assertThat(notFound.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        notFound.release();
        assertThat(gate("/ws", false)).isNull();
        assertThat(gate("/ws?x=1", false)).isNull();
    }
}
