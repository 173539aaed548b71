package net.dig.node;

import java.io.PrintStream;
import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import net.dig.core.Progress;

/**
 * A progress bar on the terminal (stderr): percentage, MiB done of total, rate and ETA, drawn by
 * {@code me.tongfei:progressbar} on its own refresh thread. Thread-safe: the bar's counter is atomic.
 */
final class TerminalProgress implements Progress {
    private final PrintStream out;
    private volatile ProgressBar bar;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void begin(String task, long totalUnits) {
        end();
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalUnits < 0 ? -1 : totalUnits)
                .setUnit(" MiB", 1L << 20)
                .showSpeed(new DecimalFormat("#.0"))
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .setUpdateIntervalMillis(200)
                .build();
    }

    @Override
    public void advance(long units) {
        ProgressBar b = bar;
        if (b != null) {
            b.stepBy(units);
        }
    }

    @Override
    public void end() {
        ProgressBar b = bar;
        bar = null;
        if (b != null) {
            b.close();
        }
    }
}
