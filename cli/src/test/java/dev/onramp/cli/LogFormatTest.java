package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** The shipped logging configuration: text by default, one JSON object per line with LOG_FORMAT=json. */
class LogFormatTest {
    @Test
    void jsonLinesCarryTheMessageLevelLoggerAndTheSessionFromTheMdc() throws Exception {
        String out = logOneLine("json");
        JsonNode line = new ObjectMapper().readTree(out.lines().findFirst().orElseThrow());
        assertThat(line.path("message").asText()).isEqualTo("applied evt_1");
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("logger_name").asText()).isEqualTo("dev.onramp.test");
        assertThat(line.path("session_id").asText()).isEqualTo("cos_LogFormat00001");
        assertThat(line.has("@timestamp")).isTrue();
    }

    @Test
    void textStaysTheDefault() throws Exception {
        assertThat(logOneLine(null)).contains("WARN ").contains("applied evt_1").doesNotStartWith("{");
    }

    private static String logOneLine(String format) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            if (format != null) {
                context.putProperty("LOG_FORMAT", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            URL config = LogFormatTest.class.getClassLoader().getResource("logback.xml");
            configurator.doConfigure(config);
            Logger logger = context.getLogger("dev.onramp.test");
            try (MDC.MDCCloseable session = MDC.putCloseable("session_id", "cos_LogFormat00001")) {
                logger.warn("applied {}", "evt_1");
            }
        } finally {
            context.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
