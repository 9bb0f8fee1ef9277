package dev.onramp.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The order the notifier's two inputs reach it: a session's recipient when the session starts, its outcome later.
 *
 * <p>Back to back: every recipient first, then the outcomes in the order the recipients came (what the bench always
 * did; each outcome finds its recipient among the most recently written ones). Interleaved: sessions start one after
 * another, each registering its recipient; three in four end with an outcome a random while later (a tenth of
 * {@code open} to {@code open} starts later, seeded), the rest never do. Recipient registrations keep arriving between
 * the outcomes, which come in an order of their own, with about {@code open} recipients already waiting in the store
 * when the first outcome arrives: as production writes them, a few minutes of sessions in flight.
 */
final class NotifierWorkload {
    /** One record for the notifier: a session's recipient, or its outcome. */
    record Input(String session, int index, boolean outcome) {
    }

    private final List<Input> inputs;
    /** Where each outcome stands in {@link #inputs}. */
    private final int[] outcomeAt;

    private NotifierWorkload(List<Input> inputs) {
        this.inputs = inputs;
        this.outcomeAt = new int[(int) inputs.stream().filter(Input::outcome).count()];
        int n = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).outcome()) {
                outcomeAt[n++] = i;
            }
        }
    }

    static NotifierWorkload backToBack(int outcomes) {
        List<Input> inputs = new ArrayList<>(2 * outcomes);
        for (int i = 0; i < outcomes; i++) {
            inputs.add(new Input(session(i), i, false));
        }
        for (int i = 0; i < outcomes; i++) {
            inputs.add(new Input(session(i), i, true));
        }
        return new NotifierWorkload(inputs);
    }

    static NotifierWorkload interleaved(int outcomes, int open) {
        Random random = new Random(42);
        record Due(long slot, int session) {
        }
        PriorityQueue<Due> pending = new PriorityQueue<>(Comparator.comparingLong(Due::slot));
        List<Input> inputs = new ArrayList<>();
        int placed = 0;
        for (int s = 0; placed < outcomes; s++) {
            while (!pending.isEmpty() && pending.peek().slot() <= s && placed < outcomes) {
                Due due = pending.poll();
                inputs.add(new Input(session(due.session()), due.session(), true));
                placed++;
            }
            inputs.add(new Input(session(s), s, false));
            boolean ends = random.nextInt(4) != 0;
            long slot = s + open / 10 + random.nextInt(Math.max(1, open - open / 10));
            // Sessions whose outcome would come before `open` starts are in flight already, outcome never seen here:
            // that is what fills the store to about `open` before the first outcome.
            if (ends && slot >= open) {
                pending.add(new Due(slot, s));
            }
        }
        return new NotifierWorkload(inputs);
    }

    /** What goes in before the first outcome: recipients only. */
    List<Input> prelude() {
        return inputs.subList(0, outcomeAt.length == 0 ? inputs.size() : outcomeAt[0]);
    }

    /** The outcomes {@code from} to {@code from + count - 1}, and the recipients that arrive between them. */
    List<Input> slice(int from, int count) {
        int start = from == 0 ? outcomeAt[0] : outcomeAt[from - 1] + 1;
        return inputs.subList(start, outcomeAt[from + count - 1] + 1);
    }

    int recipients() {
        return inputs.size() - outcomeAt.length;
    }

    private static String session(int i) {
        return String.format(Locale.ROOT, "cos_BenchNotify%010d", i);
    }
}
