package io.zmtp.bench.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak behind bench/soak.sh (not run by Maven or CI): REQ/REP (Lazy Pirate), PUSH/PULL and
 * PUB/SUB, each for a third of {@code --seconds}, through a FaultRelay with a fault switched on and
 * off every {@code --period-ms}, then {@code --kill-rounds} rounds of kill -9 of the config server
 * during put bursts. Writes the results as Markdown tables to {@code --out} and exits 1 if a
 * promise was broken (a broken or duplicated message, a lost or reused acknowledged revision).
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 600;
        int rounds = 50;
        long periodMs = 2_000;
        long seed = 21;
        Path out = Path.of("soak-tables.md");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--kill-rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--period-ms" -> periodMs = Long.parseLong(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Duration each = Duration.ofSeconds(Math.max(1, seconds / 3));
        Duration period = Duration.ofMillis(periodMs);
        List<Tally> tallies = new ArrayList<>();
        tallies.add(report(PatternSoaks.reqRep(each, period, seed)));
        tallies.add(report(PatternSoaks.pushPull(each, period, seed + 1)));
        tallies.add(report(PatternSoaks.pubSub(each, period, seed + 2)));

        Path work = Files.createTempDirectory("soak-kill");
        KillLoop.Result kill = new KillLoop(work, seed + 3).run(rounds);
        System.out.println("kill loop: " + kill);

        List<String> lines = new ArrayList<>();
        lines.add("| pattern | sent | received | lost | duplicated | broken | faults injected | notes |");
        lines.add("|---|---|---|---|---|---|---|---|");
        tallies.forEach(t -> lines.add(t.row()));
        lines.add("");
        lines.add("| kill -9 rounds | puts acknowledged | acknowledged revisions lost | revision numbers reused | revisions stored | notes |");
        lines.add("|---|---|---|---|---|---|");
        lines.add("| " + kill.rounds() + " | " + kill.acknowledged() + " | " + kill.lost() + " | " + kill.reused()
                + " | " + kill.stored() + " | " + kill.note() + " |");
        Files.write(out, lines);

        boolean broken = tallies.stream().anyMatch(t -> t.broken() > 0 || t.duplicated() > 0)
                || kill.lost() > 0 || kill.reused() > 0;
        System.exit(broken ? 1 : 0);
    }

    private static Tally report(Tally t) {
        System.out.println(t.row());
        return t;
    }
}
