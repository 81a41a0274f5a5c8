package io.zmtp.config.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.model.Digest;
import io.zmtp.config.model.Snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Files an agent keeps: the cache of each namespace (JSON with revision, digest and base64 values,
 * read back at start so a node serves its last good configuration while the server is down), and
 * the optional plain files for non-Java services (JSON or properties of UTF-8 text, ending with a
 * newline). A plain file is written to a temporary file in the same directory and renamed over the
 * old one, so a reader or a crash never sees half a file; the cache, which only the agent reads, is
 * two files written in turn (see {@link #SLOTS}).
 *
 * <p>The two are laid out differently on purpose. The cache keeps one flat directory with the
 * namespace escaped into the name ({@link #fileName}: {@code app%2Fweb.cache.json}), as every
 * earlier version wrote it, so a restarted agent finds the cache an older one left. The write dir
 * is for people and services: a directory per segment ({@link WriteDirLayout}: {@code app/web.json}).
 */
final class CacheFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheFile() {
    }

    /** A namespace name as a file name of the cache: '/' and '%' escaped, nothing else needs it. */
    static String fileName(String namespace) {
        return namespace.replace("%", "%25").replace("/", "%2F");
    }

    /**
     * A namespace's cache is two files, written in turn, each over its own previous content (no new
     * file, no rename: a new inode per revision was most of an agent's cost per revision in a large
     * fleet). A write cut short by a crash leaves that file invalid (its digest no longer matches),
     * while the other still holds the write before; {@code seq} says which of two good files is the
     * newer. The first slot keeps the name older versions used, so their caches are read too.
     */
    static final String[] SLOTS = {".cache.json", ".cache-b.json"};

    /** A cached snapshot, the slot it was read from, and its write sequence number (0 if it has none). */
    record Cached(Snapshot snapshot, int slot, long seq) {
    }

    /** Writes {@code s} into cache slot {@code slot} with sequence number {@code seq} (opening and closing the file). */
    static void writeCache(Path dir, Snapshot s, int slot, long seq) throws IOException {
        try (Writer w = new Writer(dir, s.namespace(), slot, seq)) {
            w.write(s);
        }
    }

    /**
     * The cache file's bytes, written as a stream (values as base64 straight from their bytes: the
     * tree of strings this used to build was most of an apply's CPU after the write itself).
     */
    private static byte[] encode(Snapshot s, long seq) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024);
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ns", s.namespace());
            g.writeNumberField("rev", s.revision());
            g.writeStringField("digest", s.digest());
            g.writeNumberField("seq", seq);
            g.writeObjectFieldStart("entries");
            for (Map.Entry<String, byte[]> e : s.entries().entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeBinary(com.fasterxml.jackson.core.Base64Variants.MIME_NO_LINEFEEDS, e.getValue(), 0, e.getValue().length);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * An agent's writer of one namespace's cache: writes each snapshot into the slot that does not
     * hold the newest good copy, then turns to the other. It keeps both files open (an open and a
     * close per revision were what remained of a write's cost), checks at most once a second that
     * the file is still there (a cache directory removed or replaced is made again) and truncates
     * only when the content got shorter. Used by one thread at a time.
     */
    static final class Writer implements AutoCloseable {
        private final Path[] files = new Path[SLOTS.length];
        private final java.nio.channels.FileChannel[] open = new java.nio.channels.FileChannel[SLOTS.length];
        private final long[] sizes = new long[SLOTS.length];
        /** When each open file was last checked to be still there. */
        private final long[] checkedAt = new long[SLOTS.length];
        /** How often an open file is checked to be still there (a check is a system call). */
        private static final long CHECK_EVERY_NANOS = 1_000_000_000L;
        private int slot;
        private long seq;

        /** {@code slot}: where the first write goes; {@code seq}: its sequence number. */
        Writer(Path dir, String namespace, int slot, long seq) {
            for (int i = 0; i < SLOTS.length; i++) {
                files[i] = dir.resolve(fileName(namespace) + SLOTS[i]);
            }
            this.slot = slot;
            this.seq = seq;
        }

        void write(Snapshot s) throws IOException {
            byte[] bytes = encode(s, seq);
            try {
                java.nio.channels.FileChannel ch = channel(slot);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                long at = 0;
                while (b.hasRemaining()) {
                    at += ch.write(b, at);
                }
                if (bytes.length < sizes[slot]) {
                    ch.truncate(bytes.length);
                }
                sizes[slot] = bytes.length;
            } catch (IOException | RuntimeException e) {
                closeSlot(slot);  // opened afresh at the next attempt
                throw e;
            }
            slot = 1 - slot;
            seq++;
        }

        private java.nio.channels.FileChannel channel(int i) throws IOException {
            long now = System.nanoTime();
            if (open[i] != null && now - checkedAt[i] > CHECK_EVERY_NANOS) {
                checkedAt[i] = now;
                if (!Files.exists(files[i])) {
                    closeSlot(i);
                }
            }
            if (open[i] == null) {
                try {
                    open[i] = openSlot(files[i]);
                } catch (java.nio.file.NoSuchFileException e) {
                    Files.createDirectories(files[i].getParent());  // removed under us, or never made
                    open[i] = openSlot(files[i]);
                }
                sizes[i] = open[i].size();
                checkedAt[i] = now;
            }
            return open[i];
        }

        private static java.nio.channels.FileChannel openSlot(Path file) throws IOException {
            return java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
        }

        private void closeSlot(int i) {
            if (open[i] != null) {
                try {
                    open[i].close();
                } catch (IOException ignored) {
                    // nothing is buffered
                }
                open[i] = null;
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < open.length; i++) {
                closeSlot(i);
            }
        }
    }

    /** The cached snapshot, if there is one whose digest still matches its content. */
    static Optional<Snapshot> readCache(Path dir, String namespace) throws IOException {
        return readNewest(dir, namespace).map(Cached::snapshot);
    }

    /**
     * The newest good copy among the slots, if any. A slot that cannot be read is passed over when
     * the other is good; when none is good, the first failure is thrown.
     */
    static Optional<Cached> readNewest(Path dir, String namespace) throws IOException {
        Cached best = null;
        Exception failed = null;
        for (int slot = 0; slot < SLOTS.length; slot++) {
            Path file = dir.resolve(fileName(namespace) + SLOTS[slot]);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                Optional<Cached> c = readSlot(file, namespace, slot);
                if (c.isPresent() && (best == null || c.get().seq() > best.seq())) {
                    best = c.get();
                }
            } catch (IOException | IllegalArgumentException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (best == null && failed != null) {
            if (failed instanceof IOException io) {
                throw io;
            }
            throw (IllegalArgumentException) failed;
        }
        return Optional.ofNullable(best);
    }

    private static Optional<Cached> readSlot(Path file, String namespace, int slot) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null) {
            return Optional.empty();
        }
        TreeMap<String, byte[]> content = new TreeMap<>(Digest.KEY_ORDER);
        Base64.Decoder b64 = Base64.getDecoder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("entries").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            content.put(e.getKey(), b64.decode(e.getValue().asText()));
        }
        String digest = Digest.of(content);
        if (!namespace.equals(root.path("ns").asText()) || !digest.equals(root.path("digest").asText())) {
            return Optional.empty();
        }
        return Optional.of(new Cached(new Snapshot(namespace, root.path("rev").asLong(), digest, content), slot,
                root.path("seq").asLong(0)));
    }

    /** The suffix of a plain file in {@code format} ({@code json} or {@code properties}). */
    static String plainSuffix(String format) {
        return format.equals("properties") ? ".properties" : ".json";
    }

    /**
     * The plain-file view, {@code <dir>/<ns>.json} (an object of text values) or
     * {@code <ns>.properties}, a directory per segment of the namespace; it ends with a newline, as
     * text files do (tools that read line by line would drop a last line without one).
     */
    static void writePlain(Path dir, Snapshot s, String format) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (format.equals("properties")) {
            Properties p = new Properties();
            s.entries().forEach((k, v) -> p.setProperty(k, new String(v, StandardCharsets.UTF_8)));
            p.store(out, s.namespace() + " revision " + s.revision() + " digest " + s.digest());
        } else {
            ObjectNode root = JSON.createObjectNode();
            s.entries().forEach((k, v) -> root.put(k, new String(v, StandardCharsets.UTF_8)));
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, root);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            out.write('\n');
            bytes = out.toByteArray();
        }
        writeAtomically(WriteDirLayout.file(dir, s.namespace(), plainSuffix(format)), bytes);
    }

    /**
     * Where versions before the directory layout kept the plain file of {@code namespace}
     * ({@code app%2Fweb.json}), when that is another name than today's and such a file is there:
     * nothing updates it any more, which whoever reads it should be told.
     */
    static Optional<Path> formerPlainFile(Path dir, String namespace, String format) {
        String former = fileName(namespace) + plainSuffix(format);
        if (former.equals(namespace + plainSuffix(format))) {
            return Optional.empty();
        }
        Path file = dir.resolve(former);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * Names the temporary file of each write: unique per process (a random token drawn once) and per
     * writing thread (an agent writes from its own thread), so concurrent writers of one directory
     * never share one, while a write costs no random draw and no exclusive create (an agent of a
     * large fleet writes its cache at every revision; {@link Files#createTempFile} was most of it).
     */
    private static final String PROCESS_TOKEN = java.util.HexFormat.of().formatHex(
            new java.security.SecureRandom().generateSeed(4));

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part-" + PROCESS_TOKEN + "-"
                + Thread.currentThread().getId());
        boolean moved = false;
        try {
            try {
                Files.write(tmp, bytes);
            } catch (java.nio.file.NoSuchFileException e) {
                Files.createDirectories(target.getParent());  // removed under us, or never made
                Files.write(tmp, bytes);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
