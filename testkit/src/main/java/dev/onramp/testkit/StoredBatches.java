package dev.onramp.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/** What a broker really stored, read from its segment files: for what no client API shows, such as compression. */
public final class StoredBatches {
    private StoredBatches() {
    }

    /** How many data batches (transaction markers left out) of the topic each codec holds, by codec name. */
    public static Map<String, Integer> byCompression(Path logDir, String topic) throws IOException {
        Map<String, Integer> batches = new TreeMap<>();
        for (Path segment : segments(logDir, topic)) {
            try (FileRecords records = FileRecords.open(segment.toFile())) {
                for (RecordBatch batch : records.batches()) {
                    if (!batch.isControlBatch()) {
                        batches.merge(batch.compressionType().name, 1, Integer::sum);
                    }
                }
            }
        }
        return batches;
    }

    private static List<Path> segments(Path logDir, String topic) throws IOException {
        try (Stream<Path> partitions = Files.list(logDir)) {
            List<Path> dirs = partitions.filter(p -> isPartitionOf(p.getFileName().toString(), topic)).toList();
            List<Path> segments = new ArrayList<>();
            for (Path dir : dirs) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(segments::add);
                }
            }
            return segments;
        }
    }

    private static boolean isPartitionOf(String directory, String topic) {
        return directory.startsWith(topic + "-") && directory.substring(topic.length() + 1).chars().allMatch(Character::isDigit);
    }
}
