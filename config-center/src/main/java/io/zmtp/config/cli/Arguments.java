package io.zmtp.config.cli;

import io.zmtp.config.model.Namespaces;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.time.Duration;

/**
 * Checks of option and parameter values, run before a command does anything (before a put is
 * committed, say): a bad value is a usage error (exit 2) with one line that names the option, the
 * value and the rule.
 */
final class Arguments {
    private Arguments() {
    }

    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A duration above zero, as {@code 500ms}, {@code 10s} or {@code 2m}. */
    static Duration positiveDuration(CommandSpec spec, String option, String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage(spec, option + ": " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw usage(spec, option + " must be above zero, got '" + text + "'");
        }
        return d;
    }

    /** A comma-separated list of one or more endpoints, none empty. */
    static java.util.List<String> endpoints(CommandSpec spec, String option, String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String e : text.split(",", -1)) {
            String t = e.strip();
            if (t.isEmpty()) {
                throw usage(spec, option + " has an empty endpoint: '" + text + "'");
            }
            out.add(t);
        }
        return out;
    }

    static long atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw usage(spec, option + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    static String namespace(CommandSpec spec, String ns) {
        try {
            return Namespaces.validate(ns);
        } catch (IllegalArgumentException e) {
            throw usage(spec, e.getMessage());
        }
    }

    /** {@code all} (-1), {@code none} (0) or a number of nodes >= 1. */
    static int waitGoal(CommandSpec spec, String wait) {
        if (wait.equals("all")) {
            return -1;
        }
        if (wait.equals("none")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(wait);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw usage(spec, "--wait must be all, none or a number of nodes >= 1, got '" + wait + "'");
    }
}
