package thelook.streams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import thelook.schemas.AvroTrust;

/** {@code java -jar thelook-streams.jar <command>}: the entry point of the service's jobs. */
@Command(name = "thelook-streams", mixinStandardHelpOptions = true, version = "thelook-streams 0.1.0",
        description = "theLook analytics marts kept fresh by Kafka Streams. The marts, their columns and rules: docs/marts.md.",
        subcommands = {DemoCommand.class, RunCommand.class, BackfillCommand.class, IngestCommand.class, PublishCommand.class, SinkCommand.class,
            ReplayCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "On an error, print its stack trace too.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        AvroTrust.install();
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + message(e));
                    if (verbose(parsed)) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                })
                .execute(args);
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    static String message(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.toString();
        return e.getCause() != null && e.getCause().getMessage() != null && !m.contains(e.getCause().getMessage())
                ? m + " (" + e.getCause().getMessage() + ")" : m;
    }
}
