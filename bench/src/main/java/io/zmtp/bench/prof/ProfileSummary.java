package io.zmtp.bench.prof;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ProfileSummary [--legend] [LABEL=]FILE...}: the samples of async-profiler collapsed
 * profiles (taken with {@code threads}) per thread group, as Markdown, one table per file headed
 * by its label (default: the file name), for the profile section of BENCHMARKS.md that
 * {@code bench/profile.sh} writes beside async-profiler's own flame graphs. It exists for what a
 * flame graph does not say: how the samples split between the application, the event loops, GC
 * and JIT, each group summed over its threads. {@code --legend} first prints how threads are
 * grouped; it may be the only argument. Exit status: 0, 1 for an unreadable or malformed file,
 * 2 for bad arguments.
 */
public final class ProfileSummary {
    static final String USAGE = "usage: ProfileSummary [--legend] [LABEL=]FILE...";

    private ProfileSummary() {
    }

    public static void main(String[] args) {
        try {
            run(args, System.out);
            System.out.flush();
        } catch (UsageError e) {
            System.err.println("ProfileSummary: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (MalformedProfileException e) {
            System.err.println("ProfileSummary: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("ProfileSummary: cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            System.exit(1);
        }
    }

    /** Does what the command line does, printing to {@code out}. */
    static void run(String[] args, PrintStream out) throws IOException {
        boolean legend = false;
        List<String[]> inputs = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--legend")) {
                legend = true;
            } else if (a.startsWith("--")) {
                throw new UsageError("unknown option " + a);
            } else {
                int eq = a.indexOf('=');
                String file = eq < 0 ? a : a.substring(eq + 1);
                String label = eq < 0 ? Path.of(a).getFileName().toString() : a.substring(0, eq);
                inputs.add(new String[] {label, file});
            }
        }
        if (inputs.isEmpty() && !legend) {
            throw new UsageError("no profile given");
        }
        MarkdownReport report = new MarkdownReport(out);
        if (legend) {
            report.legend();
        }
        for (String[] in : inputs) {
            // Read every file before printing its section, so a bad file prints nothing of itself.
            Tally t = Tally.of(CollapsedReader.read(Path.of(in[1])));
            report.summary(in[0], in[1], t);
        }
    }

    /** Bad command-line arguments. */
    static final class UsageError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }
}
