package io.zmtp.config.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The page, its script and its style sheet, read once from the jar. */
record StaticFiles(Map<String, File> files) {
    /** One file with its content type. */
    record File(byte[] content, String type) {
    }

    static StaticFiles load() {
        return new StaticFiles(Map.of(
                "/", read("index.html", "text/html; charset=utf-8"),
                "/index.html", read("index.html", "text/html; charset=utf-8"),
                "/app.js", read("app.js", "text/javascript; charset=utf-8"),
                "/style.css", read("style.css", "text/css; charset=utf-8")));
    }

    File get(String path) {
        return files.get(path);
    }

    private static File read(String name, String type) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return new File(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
