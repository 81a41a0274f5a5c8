package io.zmtp.config.server;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whitelist file as an operator might get it wrong: any bytes either load, or are refused with
 * an {@link IllegalArgumentException} naming the line (or an {@link IOException} for bytes that
 * are not UTF-8); nothing else escapes, and what loaded holds only valid entries.
 */
class WhitelistFuzzTest {
    @FuzzTest
    void whitelist(byte[] input) throws IOException {
        Path file = Files.createTempFile("whitelist", ".txt");
        try {
            Files.write(file, input);
            Whitelist w;
            try {
                w = Whitelist.load(file);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).contains(file.toString());
                return;
            } catch (IOException notUtf8) {
                return;
            }
            for (Whitelist.Node n : w.nodes()) {
                assertThat(n.id()).isNotEmpty();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
