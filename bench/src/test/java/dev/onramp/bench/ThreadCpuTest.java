package dev.onramp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threadsOfOneRoleAreOneGroupWhateverTheirNumbers() {
        assertThat(ThreadCpu.group("data-plane-kafka-request-handler-0")).isEqualTo(ThreadCpu.group("data-plane-kafka-request-handler-7"));
        assertThat(ThreadCpu.group("JettyServerThreadPool-53")).isEqualTo("JettyServerThreadPool-#");
    }

    @Test
    void cpuOfALiveThreadGoesToItsGroupAndOfAnEndedOneOutsideAnyPerRecord() throws InterruptedException {
        ThreadCpu cpu = ThreadCpu.start();
        List<Thread> burners = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Thread burner = new Thread(ThreadCpuTest::burn, "burner-" + i);
            burners.add(burner);
            burner.start();
        }
        for (Thread burner : burners) {
            burner.join();
        }
        // Ended threads are gone from the JVM's list: their CPU is in the process's, outside any group.
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread live = new Thread(() -> {
            burn();
            burnt.countDown();
            awaitQuietly(measured);  // alive until the span is measured
        }, "live-burner-1");
        live.start();
        burnt.await();
        ThreadCpu.Split split = cpu.stop(10);
        measured.countDown();
        live.join();

        ThreadCpu.Group group = split.groups().stream().filter(g -> g.name().equals("live-burner-#")).findFirst().orElseThrow();
        assertThat(group.micros()).as("≥ 100 ms of spinning over 10 records").isGreaterThan(10_000);
        assertThat(split.groups().get(0).micros()).isGreaterThanOrEqualTo(group.micros());
        assertThat(split.outsideThreads()).as("the two ended burners' 300 ms over 10 records").isGreaterThan(20_000);
        assertThat(split.process()).isGreaterThanOrEqualTo(split.groups().stream().mapToDouble(ThreadCpu.Group::micros).sum() * 0.9);
    }

    /** Spins until this thread has had 150 ms of CPU: by its own CPU clock, so a busy machine only makes it take longer. */
    private static void burn() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + 150_000_000L;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                x += Long.numberOfTrailingZeros(x + 1);
            }
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
