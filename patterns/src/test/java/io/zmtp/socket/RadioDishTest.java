package io.zmtp.socket;

import io.zmtp.codec.SocketType;
import io.zmtp.socket.type.Dish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RADIO and DISH (RFC 48): groups joined and left over every transport, both bind/connect
 * directions and start orders, joins again after a reconnect, drops at the HWM, the one-frame and
 * group-length rules, and many threads on each socket.
 */
class RadioDishTest extends SocketTestSupport {
    /** Sends {@code body} to {@code group} until {@code dish} receives a message (JOIN travels on its own). */
    private static Message sendUntilReceived(Socket radio, Socket dish, String group, String body) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(radio.send(Message.of(body).group(group))).isTrue();
            Message m = dish.receive(Duration.ofMillis(20));
            if (m != null) {
                return m;
            }
        }
        throw new AssertionError("the DISH received nothing of group " + group + " within " + WAIT);
    }

    @ParameterizedTest(name = "{0} variant {1}")
    @MethodSource("transportsAndVariants")
    void aDishReceivesTheGroupsItJoinedWithTheirNames(String transport, int variant) {
        Socket radio = socket(SocketType.RADIO);
        Dish dish = (Dish) socket(SocketType.DISH);
        dish.join("weather");
        link(radio, dish, transport, variant);
        try (Message first = sendUntilReceived(radio, dish, "weather", "sunny")) {
            assertThat(first.strings()).containsExactly("sunny");
            assertThat(first.group()).isEqualTo("weather");
        }
        radio.send(Message.of("not for you").group("news"));
        radio.send(Message.of("no group at all"));
        radio.send(Message.of("last").group("weather"));
        List<String> rest = new ArrayList<>();
        while (rest.isEmpty() || !rest.get(rest.size() - 1).equals("last")) {
            try (Message m = dish.receive()) {
                assertThat(m).as("a message within %s", WAIT).isNotNull();
                assertThat(m.group()).isEqualTo("weather");
                rest.add(m.string(0));
            }
        }
        assertThat(rest).isSubsetOf("sunny", "last");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void afterLeaveNoMessageOfThatGroupIsReceived(String transport) {
        Socket radio = socket(SocketType.RADIO);
        Dish dish = (Dish) socket(SocketType.DISH);
        dish.join("a");
        dish.join("b");
        dish.connect(radio.bind(freeEndpoint(transport)));
        sendUntilReceived(radio, dish, "a", "warm-up").close();
        for (int i = 0; i < 100; i++) {
            radio.send(Message.of("a" + i).group("a"));
        }
        dish.leave("a");
        for (int i = 0; i < 100; i++) {
            radio.send(Message.of("a-after" + i).group("a"));
        }
        radio.send(Message.of("end").group("b"));
        while (true) {
            try (Message m = dish.receive()) {
                assertThat(m).as("the end marker within %s", WAIT).isNotNull();
                assertThat(m.group()).isEqualTo("b");
                if (m.string(0).equals("end")) {
                    break;
                }
            }
        }
        assertThat(dish.tryReceive()).isNull();
    }

    @Test
    void twoDishesGetOnlyTheirOwnGroups() {
        Socket radio = socket(SocketType.RADIO);
        String endpoint = radio.bind("tcp://127.0.0.1:0");
        Dish red = (Dish) socket(SocketType.DISH);
        Dish blue = (Dish) socket(SocketType.DISH);
        red.join("red");
        blue.join("blue");
        red.connect(endpoint);
        blue.connect(endpoint);
        sendUntilReceived(radio, red, "red", "r0").close();
        sendUntilReceived(radio, blue, "blue", "b0").close();
        radio.send(Message.of("r-end").group("red"));
        radio.send(Message.of("b-end").group("blue"));
        for (Dish d : List.of(red, blue)) {
            String mine = d == red ? "red" : "blue";
            while (true) {
                try (Message m = d.receive()) {
                    assertThat(m).isNotNull();
                    assertThat(m.group()).isEqualTo(mine);
                    if (m.string(0).endsWith("-end")) {
                        break;
                    }
                }
            }
        }
    }

    @Test
    void aDishJoinsAgainWhenItReconnects() {
        Socket radio = socket(SocketType.RADIO);
        String endpoint = radio.bind("tcp://127.0.0.1:0");
        Dish dish = (Dish) socket(SocketType.DISH);
        dish.join("g");
        dish.connect(endpoint);
        sendUntilReceived(radio, dish, "g", "before").close();
        radio.close();
        Socket again = socket(SocketType.RADIO);
        org.awaitility.Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> again.bind(endpoint) != null);
        try (Message m = sendUntilReceived(again, dish, "g", "after")) {
            assertThat(m.string(0)).isEqualTo("after");
        }
    }

    @Test
    void aRadioDropsForAFullDishInsteadOfWaiting() {
        Socket radio = socket(SocketType.RADIO);
        Dish dish = (Dish) socket(SocketType.DISH);
        radio.options().sendHwm(10);
        dish.options().receiveHwm(10);
        dish.join("g");
        dish.connect(radio.bind("inproc://rd-hwm"));
        sendUntilReceived(radio, dish, "g", "warm-up").close();
        int sent = 0;
        for (int i = 0; i < 20_000; i++) {
            // A RADIO that waited for the DISH (as PUSH would) would time out here.
            assertThat(radio.send(Message.of("m" + i).group("g"), Duration.ofSeconds(5))).as("send %d", i).isTrue();
            sent++;
        }
        int received = 0;
        Message m;
        while ((m = dish.receive(Duration.ofMillis(500))) != null) {
            m.close();
            received++;
        }
        assertThat(received).isPositive().isLessThan(sent);
        assertThat(radio.stats().drops()).isPositive();
    }

    @Test
    void groupsAndFramesAreChecked() {
        Socket radio = socket(SocketType.RADIO);
        Dish dish = (Dish) socket(SocketType.DISH);
        String tooLong = "g".repeat(256);
        assertThatThrownBy(() -> Message.of("x").group(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
        assertThatThrownBy(() -> dish.join(tooLong)).isInstanceOf(IllegalArgumentException.class);
        dish.join("g".repeat(255));
        dish.join("x");
        assertThatThrownBy(() -> dish.join("x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
        dish.leave("x");
        assertThatThrownBy(() -> dish.leave("x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not joined");
        try (Message two = Message.of("a", "b").group("g")) {
            assertThatThrownBy(() -> radio.send(two)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RADIO");
        }
        assertThatThrownBy(() -> dish.send("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(radio::tryReceive).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Eight threads send on one RADIO (no HWM), eight receive on one DISH: each message exactly once, whole. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void eightThreadsPerSocketLoseDuplicateAndMixNothing(String transport) throws Exception {
        Socket radio = socket(SocketType.RADIO);
        Dish dish = (Dish) socket(SocketType.DISH);
        radio.options().sendHwm(0);
        dish.options().receiveHwm(0);
        dish.join("t");
        dish.connect(radio.bind(freeEndpoint(transport)));
        sendUntilReceived(radio, dish, "t", "warm-up").close();
        manyThreads(List.of(radio), List.of(dish), i -> i + ":" + "y".repeat(i % 30), body -> Message.of(body).group("t"),
                "warm-up"::equals);
    }
}
