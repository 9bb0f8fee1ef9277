package dev.onramp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class NotifierWorkloadTest {

    @Test
    void interleavedOutcomesFindTheirRecipientRegisteredEarlierAmongOthersAndInAnOrderOfTheirOwn() {
        NotifierWorkload workload = NotifierWorkload.interleaved(5_000, 2_000);
        List<NotifierWorkload.Input> all = slices(workload, 5_000, 1_000);
        assertThat(all.stream().filter(NotifierWorkload.Input::outcome)).hasSize(5_000);

        Map<String, Integer> registeredAt = new HashMap<>();
        List<NotifierWorkload.Input> prelude = workload.prelude();
        for (int i = 0; i < prelude.size(); i++) {
            registeredAt.put(prelude.get(i).session(), i - prelude.size());
        }
        Set<String> told = new HashSet<>();
        int outOfOrder = 0;
        int lastIndex = -1;
        for (int i = 0; i < all.size(); i++) {
            NotifierWorkload.Input input = all.get(i);
            if (!input.outcome()) {
                assertThat(registeredAt.put(input.session(), i)).as("registered once").isNull();
                continue;
            }
            assertThat(registeredAt).as("recipient before outcome").containsKey(input.session());
            assertThat(told.add(input.session())).as("one outcome per session").isTrue();
            assertThat(i - registeredAt.get(input.session())).as("other inputs between").isGreaterThan(100);
            outOfOrder += input.index() < lastIndex ? 1 : 0;
            lastIndex = input.index();
        }
        assertThat(outOfOrder).as("outcomes not in registration order").isGreaterThan(500);
        assertThat(workload.prelude()).allMatch(input -> !input.outcome()).hasSizeBetween(1_900, 2_600);
        assertThat(workload.recipients() - 5_000).as("sessions that never end").isGreaterThan(1_000);
    }

    @Test
    void backToBackRegistersEveryRecipientFirstThenTheOutcomesInTheSameOrder() {
        NotifierWorkload workload = NotifierWorkload.backToBack(300);
        assertThat(workload.prelude()).hasSize(300).allMatch(input -> !input.outcome());
        List<NotifierWorkload.Input> outcomes = slices(workload, 300, 100);
        assertThat(outcomes).hasSize(300).allMatch(NotifierWorkload.Input::outcome);
        for (int i = 0; i < 300; i++) {
            assertThat(outcomes.get(i).session()).isEqualTo(workload.prelude().get(i).session());
        }
    }

    private static List<NotifierWorkload.Input> slices(NotifierWorkload workload, int outcomes, int size) {
        List<NotifierWorkload.Input> all = new ArrayList<>();
        for (int from = 0; from < outcomes; from += size) {
            all.addAll(workload.slice(from, size));
        }
        return all;
    }
}
