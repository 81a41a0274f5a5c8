package io.zmtp.bench.charts;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Results table as compare.sh writes it, with its — and FAILED cells, and what it refuses. */
class ResultsTableTest {
    static final String SAMPLE = """
            # Benchmarks

            ## Machine and run

            - date: 2026-12-07 06:25:00 UTC

            ## Results

            | cell | size [B] | ours | libzmq | JeroMQ | ours/libzmq | ours/JeroMQ |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: |
            | PUSH/PULL thr [msg/s], ours=nio | 16 | 6344578 | 5268741 | 4693500 | 1.20 | 1.35 |
            | PUSH/PULL thr [msg/s], ours=nio | 65536 | 31785 | 23479 | FAILED | 1.35 | — |
            | PUSH/PULL thr [msg/s], ours=epoll | 16 | 6985074 | 5268741 | 4693500 | 1.33 | 1.49 |
            | REQ/REP lat [us], ours=nio | 16 | 62.29 | 66.58 | 91.22 | 0.94 | 0.68 |
            | ws PUSH/PULL thr [msg/s], ours=nio | 16 | 5639603 | 4808849 | — | 1.17 | — |
            | PUB/SUB thr [msg/s], 1 SUB | 16 | 5391971 | 5135516 | 4401186 | 1.05 | 1.23 |
            | PUB/SUB thr [msg/s], 10 SUBs | 16 | 796310 | 567490 | 416781 | 1.40 | 1.91 |
            | PUB/SUB thr [msg/s], 1 SUB, 1000 subscriptions (1 matches) | 16 | 4499358 | 5241704 | 4219654 | 0.86 | 1.07 |
            | PUSH/PULL CURVE thr [msg/s] | 1024 | 168789 | 280952 | 34713 | 0.60 | 4.86 |
            | CURVE handshakes/s (client's count over its run) | — | 702 | 1010 | 30 | 0.70 | 23.40 |
            | CURVE handshakes/s: libzmq clients → ours(nio) server | — | 733 | 1010 | — | 0.73 | — |

            ## Targets

            - **met**: something
            """;

    @Test
    void readsEveryRowWithItsFigures() {
        List<ResultRow> rows = ResultsTable.parse(SAMPLE);
        assertEquals(11, rows.size());
        ResultRow first = rows.get(0);
        assertEquals("PUSH/PULL thr [msg/s], ours=nio", first.cell());
        assertEquals(OptionalLong.of(16), first.bytes());
        assertEquals(OptionalDouble.of(6344578), first.figure(Column.OURS));
        assertEquals(OptionalDouble.of(5268741), first.figure(Column.LIBZMQ));
        assertEquals(OptionalDouble.of(4693500), first.figure(Column.JEROMQ));
        assertEquals(OptionalDouble.of(62.29), rows.get(3).figure(Column.OURS));
    }

    @Test
    void aDashOrFailedCellHasNoFigureAndADashSizeNoBytes() {
        List<ResultRow> rows = ResultsTable.parse(SAMPLE);
        assertEquals(OptionalDouble.empty(), rows.get(1).figure(Column.JEROMQ)); // FAILED
        assertEquals(OptionalDouble.of(31785), rows.get(1).figure(Column.OURS));
        assertEquals(OptionalDouble.empty(), rows.get(4).figure(Column.JEROMQ)); // —
        ResultRow cross = rows.get(10);
        assertEquals("—", cross.size());
        assertEquals(OptionalLong.empty(), cross.bytes());
        assertEquals(OptionalDouble.of(733), cross.figure(Column.OURS));
        assertEquals(OptionalDouble.empty(), cross.figure(Column.JEROMQ));
    }

    @Test
    void findsColumnsByTheirHeader() {
        String swapped = """
                ## Results

                | size [B] | JeroMQ | cell | libzmq | ours |
                | ---: | ---: | --- | ---: | ---: |
                | 16 | 3 | x | 2 | 1 |
                """;
        ResultRow row = ResultsTable.parse(swapped).get(0);
        assertEquals("x", row.cell());
        assertEquals(OptionalDouble.of(1), row.figure(Column.OURS));
        assertEquals(OptionalDouble.of(2), row.figure(Column.LIBZMQ));
        assertEquals(OptionalDouble.of(3), row.figure(Column.JEROMQ));
    }

    @Test
    void refusesWhatItCannotRead() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ResultsTable.parse("# Benchmarks\n"));
        assertTrue(none.getMessage().contains("no '## Results' section"), none.getMessage());
        IllegalArgumentException noTable = assertThrows(IllegalArgumentException.class,
                () -> ResultsTable.parse("## Results\n\n## Targets\n\n| a | b |\n| --- | --- |\n"));
        assertEquals("no table under '## Results'", noTable.getMessage());
        IllegalArgumentException noColumn = assertThrows(IllegalArgumentException.class,
                () -> ResultsTable.parse("## Results\n\n| cell | size [B] | ours | libzmq |\n| --- | --- | --- | --- |\n"));
        assertTrue(noColumn.getMessage().contains("no 'JeroMQ' column"), noColumn.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> ResultsTable.parse(SAMPLE.replace("| 62.29 |", "| n/a |")));
        assertEquals("line 14: 'n/a' is not a figure", word.getMessage());
        IllegalArgumentException shortRow = assertThrows(IllegalArgumentException.class,
                () -> ResultsTable.parse(SAMPLE.replace("| 1010 | 30 | 0.70 | 23.40 |", "| 1010 |")));
        assertEquals("line 20: 4 cells, the header has 7", shortRow.getMessage());
    }
}
