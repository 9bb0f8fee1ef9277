package dev.onramp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The coverage table of Stripe's reference in this module's README names tests; each must exist, so the table cannot
 * point at a test that was renamed or removed.
 */
class StripeCoverageTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern TEST_METHOD = Pattern.compile("`(\\w+Test)\\.(\\w+)`");
    private static final Pattern RULE_CASE = Pattern.compile("\"([^\"]+)\"");

    @Test
    void everyTestTheCoverageTableNamesExists() throws IOException {
        List<String> rows = coverageRows();
        assertThat(rows).as("the README's coverage table").hasSizeGreaterThan(20);
        List<String> missing = new ArrayList<>();
        Set<String> ruleCases = ruleCases();
        for (String row : rows) {
            Matcher method = TEST_METHOD.matcher(row);
            while (method.find()) {
                if (!testMethodExists(method.group(1), method.group(2))) {
                    missing.add(method.group(1) + "." + method.group(2));
                }
            }
            String shownBy = row.substring(row.lastIndexOf('|', row.length() - 2));
            if (shownBy.contains("`MintParametersTest` \"")) {
                Matcher rule = RULE_CASE.matcher(shownBy.substring(shownBy.indexOf("`MintParametersTest` \"")));
                while (rule.find()) {
                    if (!ruleCases.contains(rule.group(1))) {
                        missing.add("mint-rules.csv: " + rule.group(1));
                    }
                }
            }
        }
        assertThat(missing).as("named in ingest/README.md but not found").isEmpty();
    }

    private static List<String> coverageRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("## Stripe's reference, covered");
        assertThat(start).as("ingest/README.md has the coverage section").isNotNegative();
        return lines.subList(start, lines.size()).stream().takeWhile(l -> !l.startsWith("## ") || l.contains("covered"))
                .filter(l -> l.startsWith("| ") && !l.startsWith("| reference")).toList();
    }

    private static Set<String> ruleCases() throws IOException {
        return Files.readAllLines(Path.of("src/test/resources/dev/onramp/ingest/mint/mint-rules.csv")).stream()
                .filter(l -> !l.startsWith("#") && l.contains(";")).map(l -> l.substring(0, l.indexOf(';')).trim())
                .collect(Collectors.toSet());
    }

    private static boolean testMethodExists(String testClass, String method) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals(testClass + ".java")
                    && f.toString().contains("/src/test/java/")).toList()) {
                if (Files.readString(file).contains("void " + method + "(")) {
                    return true;
                }
            }
        }
        return false;
    }
}
