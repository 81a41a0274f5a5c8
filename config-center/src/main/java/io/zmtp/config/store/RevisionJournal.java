package io.zmtp.config.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only file of the revisions committed since the database was last closed cleanly, each
 * forced to disk before the commit is acknowledged. It exists because H2 (2.5.252 at the time of
 * writing) can reopen a file after a kill -9 at an older version than the last commit, even one
 * followed by {@code CHECKPOINT}: the soak's kill loop lost whole runs of acknowledged revisions
 * whose chunks H2 had written into reused space. On open the store replays what the database lacks;
 * once the database has been closed cleanly the journal is emptied again.
 *
 * <p>A record on disk:
 * <pre>
 * int32  MAGIC ('ZRJ1')
 * int32  payload length
 * int32  CRC32C of the payload
 * payload: ns, rev (int64), digest, author, committed-at seconds (int64) and nanos (int32),
 *          message, changes, undo, source (the admin connection's address; absent in records
 *          written before it, read as ""); strings and blobs as int32 length + bytes (strings UTF-8)
 * </pre>
 * A torn or corrupt tail (a crash in the middle of an append, which was then never acknowledged)
 * ends the journal: it is cut off at the last whole record.
 */
final class RevisionJournal implements AutoCloseable {
    static final String FILE_NAME = "revisions.journal";
    private static final int MAGIC = 0x5A524A31;
    private static final int HEADER = 12;

    /** One journaled revision, in the store's own binary forms. */
    record Entry(String namespace, long revision, String digest, String author, Instant time, String message,
                 byte[] changes, byte[] undo, String source) {
        /** An entry without a source address. */
        Entry(String namespace, long revision, String digest, String author, Instant time, String message,
              byte[] changes, byte[] undo) {
            this(namespace, revision, digest, author, time, message, changes, undo, "");
        }
    }

    private final Path file;
    private final FileChannel channel;

    private RevisionJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens (or creates) the journal in {@code dir}, hands every whole record to {@code replay} in
     * order, and cuts off anything after the last whole record.
     *
     * @throws ConfigStoreException when the file cannot be read or written, or {@code replay} fails
     */
    static RevisionJournal open(Path dir, Consumer<Entry> replay) {
        Path file = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ConfigStoreException("cannot open the revision journal " + file + ": " + e.getMessage(), e);
        }
        RevisionJournal journal = new RevisionJournal(file, channel);
        try {
            if (created) {
                syncDirectory(dir);
            }
            long end = journal.read(replay);
            if (end < channel.size()) {
                channel.truncate(end);
                channel.force(true);
            }
            channel.position(end);
            return journal;
        } catch (IOException | RuntimeException e) {
            journal.close();
            if (e instanceof ConfigStoreException cse) {
                throw cse;
            }
            throw new ConfigStoreException("cannot read the revision journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads records from the start; returns the offset just past the last whole one. */
    private long read(Consumer<Entry> replay) throws IOException {
        long size = channel.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (size - pos >= HEADER) {
            header.clear();
            readFully(header, pos);
            header.flip();
            int magic = header.getInt();
            int length = header.getInt();
            int crc = header.getInt();
            if (magic != MAGIC || length < 0 || length > size - pos - HEADER) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, pos + HEADER);
            if (crc(payload.array()) != crc) {
                break;
            }
            Entry entry;
            try {
                entry = decode(payload.flip());
            } catch (RuntimeException malformed) {
                break;
            }
            replay.accept(entry);
            pos += HEADER + length;
        }
        return pos;
    }

    /**
     * Appends {@code e} and forces it to disk; once this returns the revision survives a crash.
     *
     * @return the offset the record starts at, for {@link #discardFrom} if the commit then fails
     */
    long append(Entry e) {
        return appendAll(List.of(e));
    }

    /**
     * Appends every entry of {@code entries} and forces them to disk once (a group commit); once this
     * returns they all survive a crash.
     *
     * @return the offset the first record starts at, for {@link #discardFrom} if the commit then fails
     */
    long appendAll(List<Entry> entries) {
        long start;
        try {
            start = channel.position();
        } catch (IOException io) {
            throw new ConfigStoreException("cannot use the revision journal " + file + ": " + io.getMessage(), io);
        }
        try {
            for (Entry e : entries) {
                byte[] payload = encode(e);
                ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
                record.putInt(MAGIC).putInt(payload.length).putInt(crc(payload)).put(payload).flip();
                while (record.hasRemaining()) {
                    channel.write(record);
                }
            }
            channel.force(false);
        } catch (IOException io) {
            Entry first = entries.get(0);
            ConfigStoreException failed = new ConfigStoreException("cannot write revision " + first.revision() + " of "
                    + first.namespace() + (entries.size() > 1 ? " and " + (entries.size() - 1) + " more" : "")
                    + " to the revision journal " + file + ": " + io.getMessage(), io);
            discardFrom(start, failed); // no half record ahead of the next one
            throw failed;
        }
        return start;
    }

    /**
     * Cuts the journal back to {@code offset}: the record appended there was not committed after
     * all. A failure to do so is added to {@code cause} and leaves the journal unusable, since
     * replaying that record later would resurrect a revision whose commit was reported as failed.
     */
    void discardFrom(long offset, Throwable cause) {
        try {
            channel.truncate(offset);
            channel.position(offset);
            channel.force(false);
        } catch (IOException io) {
            cause.addSuppressed(io);
            close();
        }
    }

    /** Empties the journal: call only once the database itself holds every journaled revision. */
    void reset() {
        try {
            channel.truncate(0);
            channel.position(0);
            channel.force(true);
        } catch (IOException e) {
            throw new ConfigStoreException("cannot empty the revision journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Bytes in the journal now. */
    long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new ConfigStoreException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing is buffered: every append was forced
        }
    }

    private void readFully(ByteBuffer into, long at) throws IOException {
        long pos = at;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new IOException("unexpected end of " + file);
            }
            pos += n;
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static byte[] encode(Entry e) {
        byte[][] parts = {
            utf8(e.namespace()), utf8(e.digest()), utf8(e.author()), utf8(e.message()), e.changes(), e.undo(),
            utf8(e.source() == null ? "" : e.source()),
        };
        long size = 8 + 8 + 4;
        for (byte[] p : parts) {
            size += 4 + p.length;
        }
        if (size > Integer.MAX_VALUE - HEADER) {
            throw new ConfigStoreException("revision " + e.revision() + " of " + e.namespace() + " is too large to journal");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        put(out, parts[0]);
        out.putLong(e.revision());
        put(out, parts[1]);
        put(out, parts[2]);
        out.putLong(e.time().getEpochSecond()).putInt(e.time().getNano());
        put(out, parts[3]);
        put(out, parts[4]);
        put(out, parts[5]);
        put(out, parts[6]);
        return out.array();
    }

    private static Entry decode(ByteBuffer in) {
        String ns = string(in);
        long rev = in.getLong();
        String digest = string(in);
        String author = string(in);
        Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
        String message = string(in);
        byte[] changes = blob(in);
        byte[] undo = blob(in);
        // The source address came later: a record written before it simply ends here.
        String source = in.hasRemaining() ? string(in) : "";
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes in a journal record");
        }
        return new Entry(ns, rev, digest, author, time, message, changes, undo, source);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(ByteBuffer out, byte[] b) {
        out.putInt(b.length).put(b);
    }

    private static String string(ByteBuffer in) {
        return new String(blob(in), StandardCharsets.UTF_8);
    }

    private static byte[] blob(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length " + length + " in a journal record");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    /** Makes the new file's directory entry durable too (Linux allows fsync on a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException unsupported) {
            // not every platform can open a directory; the file's own force still holds its data
        }
    }
}
