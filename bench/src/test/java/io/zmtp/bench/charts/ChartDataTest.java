package io.zmtp.bench.charts;

import org.jfree.data.category.DefaultCategoryDataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each chart plots the table's figures as they stand, in size order, with gaps where the table has none. */
class ChartDataTest {
    private static final List<ResultRow> ROWS = ResultsTable.parse(ResultsTableTest.SAMPLE);

    private static ChartSpec spec(String file) {
        return CompareChartSpecs.of(ROWS).stream().filter(s -> s.file().equals(file)).findFirst().orElseThrow();
    }

    @Test
    void throughputByLoopAndImplementationAtEverySize() {
        DefaultCategoryDataset d = ChartData.of(spec("compare-tcp-throughput.png"), ROWS);
        assertEquals(List.of("ours (nio)", "ours (epoll)", "libzmq", "JeroMQ"), d.getRowKeys());
        assertEquals(List.of("16 B", "65536 B"), d.getColumnKeys());
        assertEquals(6344578.0, d.getValue("ours (nio)", "16 B").doubleValue());
        assertEquals(6985074.0, d.getValue("ours (epoll)", "16 B").doubleValue());
        assertEquals(23479.0, d.getValue("libzmq", "65536 B").doubleValue());
        assertEquals(4693500.0, d.getValue("JeroMQ", "16 B").doubleValue());
        // FAILED in the table, and a size the epoll row does not have: no point.
        assertNull(d.getValue("JeroMQ", "65536 B"));
        assertNull(d.getValue("ours (epoll)", "65536 B"));
    }

    @Test
    void aSeriesWithoutAnyFigureIsLeftOut() {
        // The ws row has no JeroMQ figure (—): JeroMQ gets no series, not a series of nothing.
        ChartSpec spec = new ChartSpec("x.png", "x", "size", "msg/s", true, false, List.of(
                new ChartSpec.Pick("JeroMQ", CompareChartSpecs.WS_THR, Column.JEROMQ, null),
                new ChartSpec.Pick("libzmq", CompareChartSpecs.WS_THR, Column.LIBZMQ, null)));
        DefaultCategoryDataset d = ChartData.of(spec, ROWS);
        assertEquals(List.of("libzmq"), d.getRowKeys());
        assertEquals(4808849.0, d.getValue("libzmq", "16 B").doubleValue());
    }

    @Test
    void theSameFigureTwiceIsRefused() {
        ChartSpec spec = new ChartSpec("x.png", "x", "size", "msg/s", true, false, List.of(
                new ChartSpec.Pick("ours", CompareChartSpecs.WS_THR, Column.OURS, null),
                new ChartSpec.Pick("ours", CompareChartSpecs.WS_THR, Column.LIBZMQ, null)));
        assertThrows(IllegalStateException.class, () -> ChartData.of(spec, ROWS));
    }

    @Test
    void pubSubGroupsBySizeThenSubscribersLeavingTheFilteredRowOut() {
        DefaultCategoryDataset d = ChartData.of(spec("compare-pubsub.png"), ROWS);
        assertEquals(List.of("16 B, 1 SUB", "16 B, 10 SUBs"), d.getColumnKeys());
        assertEquals(5391971.0, d.getValue("ours (nio)", "16 B, 1 SUB").doubleValue());
        assertEquals(416781.0, d.getValue("JeroMQ", "16 B, 10 SUBs").doubleValue());
    }

    @Test
    void handshakesByServerAndClients() {
        DefaultCategoryDataset d = ChartData.of(spec("compare-curve-handshakes.png"), ROWS);
        assertEquals(List.of("its own clients", "libzmq clients"), d.getColumnKeys());
        assertEquals(702.0, d.getValue("ours (nio)", "its own clients").doubleValue());
        assertEquals(733.0, d.getValue("ours (nio)", "libzmq clients").doubleValue());
        assertEquals(30.0, d.getValue("JeroMQ", "its own clients").doubleValue());
        assertNull(d.getValue("JeroMQ", "libzmq clients"));
    }

    @Test
    void aChartTheTableHasNoFigureForIsEmpty() {
        DefaultCategoryDataset d = ChartData.of(spec("compare-ws-latency.png"), ROWS);
        assertEquals(0, d.getRowCount());
        assertEquals(0, d.getColumnCount());
    }
}
