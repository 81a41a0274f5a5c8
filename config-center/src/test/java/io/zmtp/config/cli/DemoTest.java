package io.zmtp.config.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's main command: the demo converges and says so with exit code 0. */
class DemoTest {
    @Test
    void theDemoConverges() {
        assertThat(ConfigCenterCommand.run("demo", "--agents", "3", "--timeout", "60s")).isZero();
    }
}
