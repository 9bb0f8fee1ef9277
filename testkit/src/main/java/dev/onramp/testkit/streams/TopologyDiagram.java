package dev.onramp.testkit.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.streams.TopologyDescription;

/**
 * The data-flow diagram in a topology class's Javadoc (its first {@code <pre>} block), read for what it names: the
 * topics ({@code onramp.….v1}) and the stores ({@code [store: a]}, {@code [stores: a, b]}, {@code [global table: c]},
 * names only, notes outside the brackets). A test compares them with {@link TopologyDescription}, so the diagram
 * cannot drift from what the code builds.
 */
public record TopologyDiagram(Set<String> topics, Set<String> stores) {
    private static final Pattern TOPIC = Pattern.compile("onramp\\.[a-z0-9.-]+\\.v1");
    private static final Pattern STORES = Pattern.compile("\\[(?:stores?|global table):([^\\]]*)]");

    /** The diagram of the class whose source is {@code source} (a module's {@code src/main/java/…/X.java}). */
    public static TopologyDiagram of(Path source) {
        String text;
        try {
            text = Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("<pre>");
        int end = text.indexOf("</pre>", start);
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException(source + " has no <pre> diagram");
        }
        // Javadoc lines: drop each line's leading " * " so a bracket may continue on the next line.
        String diagram = text.substring(start, end).replaceAll("\\n\\s*\\*\\s?", " ");
        Set<String> topics = new TreeSet<>();
        Matcher topic = TOPIC.matcher(diagram);
        while (topic.find()) {
            topics.add(topic.group());
        }
        Set<String> stores = new TreeSet<>();
        Matcher store = STORES.matcher(diagram);
        while (store.find()) {
            for (String name : store.group(1).split(",")) {
                stores.add(name.trim());
            }
        }
        return new TopologyDiagram(topics, stores);
    }

    /** The topics and stores the topology really has, global ones included. */
    public static TopologyDiagram of(TopologyDescription description) {
        Set<String> topics = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    topics.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink) {
                    topics.add(sink.topic());
                } else if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            topics.addAll(global.source().topicSet());
            stores.addAll(global.processor().stores());
        }
        return new TopologyDiagram(topics, stores);
    }
}
