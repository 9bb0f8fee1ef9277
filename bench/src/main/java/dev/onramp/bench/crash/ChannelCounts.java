package dev.onramp.bench.crash;

import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import dev.onramp.devstack.simulate.ChannelStandIns;

/** What the push and webhook stand-ins received: requests, and the distinct notifications among them. */
record ChannelCounts(long pushes, long pushRequests, long webhooksVerified, long webhookRequests) {
    static ChannelCounts of(ChannelStandIns standIns) {
        return new ChannelCounts(standIns.pushes(), standIns.pushRequests(), standIns.webhooksVerified(), standIns.webhookRequests());
    }

    /** Sends still in flight land within a retry or two: waits until what every channel received is still for 5 s. */
    static void awaitQuiet(GreenMail smtp, ChannelStandIns standIns) throws InterruptedException {
        long quietSince = System.nanoTime();
        long lastCount = -1;
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(5)) {
            long count = smtp.getReceivedMessages().length + standIns.pushRequests() + standIns.webhookRequests();
            if (count != lastCount) {
                lastCount = count;
                quietSince = System.nanoTime();
            }
            Thread.sleep(200);
        }
    }

    /** What arrived since {@code before}. */
    ChannelCounts since(ChannelCounts before) {
        return new ChannelCounts(pushes - before.pushes, pushRequests - before.pushRequests,
                webhooksVerified - before.webhooksVerified, webhookRequests - before.webhookRequests);
    }
}
