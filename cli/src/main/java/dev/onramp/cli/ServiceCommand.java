package dev.onramp.cli;

import java.util.concurrent.Callable;

import dev.onramp.console.ConsoleConfig;
import dev.onramp.console.ConsoleService;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.UntilStopped;
import picocli.CommandLine.Command;

/**
 * One service alone against an external Kafka and registry, configured only by environment variables: how the
 * pipeline is deployed (see docker-compose.yml). Runs until SIGTERM/Ctrl-C, then stops gracefully.
 */
abstract class ServiceCommand implements Callable<Integer> {

    abstract AutoCloseable start(Env env);

    @Override
    public Integer call() throws InterruptedException {
        UntilStopped.run(start(Env.system()));
        return 0;
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Run the webhook and platform API service (INGEST_PORT, default 8080).")
    static final class Ingest extends ServiceCommand {
        @Override
        AutoCloseable start(Env env) {
            return IngestService.start(IngestConfig.fromEnv(env));
        }
    }

    @Command(name = "processor", mixinStandardHelpOptions = true,
            description = "Run the session-state Streams app and its query API (PROCESSOR_PORT, default 8081).")
    static final class Processor extends ServiceCommand {
        @Override
        AutoCloseable start(Env env) {
            return ProcessorService.start(ProcessorConfig.fromEnv(env));
        }
    }

    @Command(name = "notifier", mixinStandardHelpOptions = true,
            description = "Run the outcome notifier (NOTIFIER_PORT, default 8082).")
    static final class Notifier extends ServiceCommand {
        @Override
        AutoCloseable start(Env env) {
            return NotifierService.start(NotifierConfig.fromEnv(env));
        }
    }

    @Command(name = "console", mixinStandardHelpOptions = true,
            description = "Run the operator console and ops API (CONSOLE_PORT, default 8095; ADMIN_API_KEY required).")
    static final class Console extends ServiceCommand {
        @Override
        AutoCloseable start(Env env) {
            return ConsoleService.start(ConsoleConfig.fromEnv(env));
        }
    }
}
