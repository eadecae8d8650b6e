package thelook.streams.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import thelook.streams.app.JobListener;
import thelook.backfill.plan.ReplayPlan;
import thelook.streams.app.ReplayJob;

/** Reports a replay: a progress bar on a terminal, a line every few seconds otherwise (logs, CI). */
final class ConsoleListener implements JobListener, AutoCloseable {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private String status;
    private String phase;
    private long total;
    private long lastLine;
    private final long started = System.nanoTime();
    private long phaseStarted = started;

    ConsoleListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void planned(ReplayPlan plan) {
        out.printf("planned %,d records from %s%n", plan.size(), plan.rowsPerTable());
        if (plan.skippedRows().count() > 0) {
            out.printf("skipped %,d malformed rows (--on-error skip); the first:%n", plan.skippedRows().count());
            plan.skippedRows().firstMessages().forEach(m -> out.println("  " + m));
        }
    }

    @Override
    public void phase(String name, long total) {
        closeBar();
        long now = System.nanoTime();
        if (phase != null) {
            out.printf("%s took %.1f s%n", phase, (now - phaseStarted) / 1e9);
        }
        phaseStarted = now;
        this.phase = name;
        this.status = null;
        this.total = total;
        if (terminal && total > 0) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" rec", 1).showSpeed().continuousUpdate()
                    .setConsumer(new ConsoleProgressBarConsumer(out)).build();
        } else {
            out.println(name + (total > 0 ? String.format(" %,d records", total) : ""));
        }
    }

    @Override
    public void progress(long done) {
        if (bar != null) {
            bar.stepTo(done);
        } else if (System.currentTimeMillis() - lastLine > 5000) {
            lastLine = System.currentTimeMillis();
            out.printf("  %s: %,d of %,d%s%n", phase, done, total, status == null ? "" : " (" + status + ")");
        }
    }

    @Override
    public void status(String text) {
        status = text;
        if (bar != null) {
            bar.setExtraMessage(text == null ? "" : " " + text);
        }
    }

    @Override
    public void info(String message) {
        if (bar == null) {
            out.println(message);
        }
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
        if (phase != null) {
            out.printf("%s took %.1f s%n", phase, (System.nanoTime() - phaseStarted) / 1e9);
            phase = null;
        }
    }
}
