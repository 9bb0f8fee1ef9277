package dev.onramp.console.ops;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.onramp.runtime.ApiError;
import io.javalin.http.HttpStatus;

/** Where the next page starts: the next offset of each partition, written {@code 0-12.1-40.2-0} in a URL. */
public record PageCursor(long[] offsets) {
    public static PageCursor start(int partitions) {
        return new PageCursor(new long[partitions]);
    }

    public static PageCursor parse(String text, int partitions) {
        if (text == null || text.isBlank()) {
            return start(partitions);
        }
        long[] offsets = new long[partitions];
        try {
            for (String part : text.split("\\.")) {
                String[] po = part.split("-", 2);
                offsets[Integer.parseInt(po[0])] = Long.parseLong(po[1]);
            }
        } catch (RuntimeException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_cursor", "cursor must be the next_cursor of a page");
        }
        return new PageCursor(offsets);
    }

    long offset(int partition) {
        return offsets[partition];
    }

    PageCursor after(int partition, long offset) {
        long[] next = offsets.clone();
        next[partition] = Math.max(next[partition], offset + 1);
        return new PageCursor(next);
    }

    @Override
    public String toString() {
        return IntStream.range(0, offsets.length).mapToObj(p -> p + "-" + offsets[p]).collect(Collectors.joining("."));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PageCursor c && Arrays.equals(offsets, c.offsets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(offsets);
    }
}
