package io.zmtp.bench.charts;

/** The figure columns of the Results table, by the header compare.sh gives them. */
enum Column {
    OURS("ours"),
    LIBZMQ("libzmq"),
    JEROMQ("JeroMQ");

    final String header;

    Column(String header) {
        this.header = header;
    }
}
