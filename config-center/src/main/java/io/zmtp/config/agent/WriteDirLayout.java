package io.zmtp.config.agent;

import io.zmtp.config.model.Namespaces;

import java.nio.file.Path;

/**
 * Where an agent's write dir keeps a namespace's plain file: a directory per {@code /}-separated
 * segment, so {@code app/web} is {@code DIR/app/web.json} (or {@code .properties}), where a person
 * or a service looks for it. This is the one place a name from the server becomes a path, so it
 * checks on its own what could lead out of the directory or give two namespaces one file, though
 * {@link Namespaces} refuses most of it already: a name that is not a valid namespace (absolute,
 * with {@code ..}, with other characters, longer than {@link Namespaces#MAX_LENGTH}), an empty
 * segment (a doubled or trailing {@code /}) and a {@code .} segment. Symbolic links placed inside
 * the directory by its owner are followed.
 */
public final class WriteDirLayout {
    private WriteDirLayout() {
    }

    /** Why {@code namespace} cannot have a file in a write dir, or null when it can. */
    public static String problem(String namespace) {
        try {
            Namespaces.validate(namespace);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (String segment : namespace.split("/", -1)) {
            if (segment.isEmpty()) {
                return "namespace '" + namespace + "' has an empty segment (a doubled or trailing '/'),"
                        + " so it cannot name a file in the write dir";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "namespace '" + namespace + "' has a '" + segment + "' segment, so it cannot name a file"
                        + " in the write dir";
            }
        }
        return null;
    }

    /**
     * The file of {@code namespace} under {@code dir}, its name ending in {@code suffix}
     * ({@code .json}, {@code .properties}).
     *
     * @throws IllegalArgumentException when the name is refused ({@link #problem}), or the path would
     *                                  not be inside {@code dir} (never, once the name passed)
     */
    static Path file(Path dir, String namespace, String suffix) {
        String problem = problem(namespace);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(namespace + suffix).normalize();
        if (!file.startsWith(base) || file.getNameCount() <= base.getNameCount()) {
            throw new IllegalArgumentException("namespace '" + namespace + "' would be written outside the write dir " + dir);
        }
        return file;
    }
}
