package io.zmtp.socket.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionCounterTest {
    private final SubscriptionCounter counter = new SubscriptionCounter();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private boolean matches(String data) {
        return counter.matches(Unpooled.wrappedBuffer(bytes(data)));
    }

    private List<String> topics() {
        List<String> out = new ArrayList<>();
        for (byte[] t : counter.topics()) {
            out.add(new String(t, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void startsEmptyAndMatchesNothing() {
        assertThat(counter.isEmpty()).isTrue();
        assertThat(counter.topics()).isEmpty();
        assertThat(matches("")).isFalse();
        assertThat(matches("abc")).isFalse();
    }

    @Test
    void subscribeReturnsTheNewCount() {
        assertThat(counter.subscribe(bytes("a"))).isEqualTo(1);
        assertThat(counter.subscribe(bytes("a"))).isEqualTo(2);
        assertThat(counter.subscribe(bytes("b"))).isEqualTo(1);
        assertThat(counter.isEmpty()).isFalse();
    }

    @Test
    void subscribedTwiceAndUnsubscribedOnceStillMatches() {
        counter.subscribe(bytes("news"));
        counter.subscribe(bytes("news"));

        assertThat(counter.unsubscribe(bytes("news"))).isEqualTo(1);
        assertThat(matches("news.today")).isTrue();
        assertThat(topics()).containsExactly("news");

        assertThat(counter.unsubscribe(bytes("news"))).isZero();
        assertThat(matches("news.today")).isFalse();
        assertThat(counter.topics()).isEmpty();
        assertThat(counter.isEmpty()).isTrue();
    }

    @Test
    void unsubscribingAnAbsentTopicReturnsMinusOneAndChangesNothing() {
        counter.subscribe(bytes("abc"));

        assertThat(counter.unsubscribe(bytes("ab"))).isEqualTo(-1);
        assertThat(counter.unsubscribe(bytes("abcd"))).isEqualTo(-1);
        assertThat(counter.unsubscribe(new byte[0])).isEqualTo(-1);

        assertThat(topics()).containsExactly("abc");
        assertThat(matches("abc")).isTrue();
        assertThat(counter.unsubscribe(bytes("abc"))).isZero();
        assertThat(counter.unsubscribe(bytes("abc"))).as("once gone, absent again").isEqualTo(-1);
    }

    @Test
    void theEmptyTopicMatchesEveryMessageIncludingAnEmptyOne() {
        counter.subscribe(new byte[0]);

        assertThat(matches("")).isTrue();
        assertThat(matches("anything")).isTrue();
        assertThat(counter.matches(Unpooled.wrappedBuffer(new byte[] {0x00, (byte) 0xFF}))).isTrue();
    }

    @Test
    void matchesOnPrefixesOfTheReadableBytesWithoutConsumingThem() {
        counter.subscribe(bytes("ab"));
        counter.subscribe(new byte[] {0x00, (byte) 0xFF});
        ByteBuf frame = Unpooled.wrappedBuffer(bytes("zzabc"));
        frame.readerIndex(2);

        assertThat(counter.matches(frame)).isTrue();
        assertThat(frame.readerIndex()).isEqualTo(2);
        assertThat(matches("a")).as("topic longer than the data").isFalse();
        assertThat(matches("ba")).isFalse();
        assertThat(counter.matches(Unpooled.wrappedBuffer(new byte[] {0x00, (byte) 0xFF, 0x01}))).isTrue();
        assertThat(counter.matches(Unpooled.wrappedBuffer(new byte[] {0x00, (byte) 0xFE}))).isFalse();
    }

    @Test
    void topicsListsEachTopicOnceInFirstSubscribeOrder() {
        counter.subscribe(bytes("b"));
        counter.subscribe(bytes("a"));
        counter.subscribe(bytes("b"));
        counter.subscribe(new byte[0]);
        counter.subscribe(bytes("ab"));

        assertThat(topics()).containsExactly("b", "a", "", "ab");
    }

    @Test
    void topicsAreCopiesInBothDirections() {
        byte[] topic = bytes("abc");
        counter.subscribe(topic);
        topic[0] = 'x';
        counter.topics().get(0)[1] = 'y';

        assertThat(topics()).containsExactly("abc");
        assertThat(matches("abc")).isTrue();
        assertThat(matches("xbc")).isFalse();
    }

    // ---- property: against a map of counts ----

    record Op(boolean subscribe, String topic) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> topic = Arbitraries.strings().withChars("ab\u0000").ofMaxLength(3);
        return Combinators.combine(Arbitraries.of(true, false), topic).as(Op::new).list().ofMaxSize(60);
    }

    @Property(tries = 300, seed = "20261124")
    void countsFilterAndTopicsFollowAMapOfCounts(@ForAll("operations") List<Op> ops) {
        SubscriptionCounter subject = new SubscriptionCounter();
        Map<String, Integer> model = new HashMap<>();
        for (Op op : ops) {
            byte[] topic = bytes(op.topic());
            if (op.subscribe()) {
                int expected = model.merge(op.topic(), 1, Integer::sum);
                assertThat(subject.subscribe(topic)).isEqualTo(expected);
            } else {
                Integer had = model.get(op.topic());
                int expected = had == null ? -1 : had - 1;
                if (had != null && had == 1) {
                    model.remove(op.topic());
                } else if (had != null) {
                    model.put(op.topic(), had - 1);
                }
                assertThat(subject.unsubscribe(topic)).isEqualTo(expected);
            }
            List<String> topics = new ArrayList<>();
            subject.topics().forEach(t -> topics.add(new String(t, StandardCharsets.UTF_8)));
            assertThat(topics).containsExactlyInAnyOrderElementsOf(model.keySet());
            assertThat(subject.isEmpty()).isEqualTo(model.isEmpty());
            for (String data : List.of("", "a", "ab", "aab", "ba", "\u0000a", "bbb")) {
                boolean expected = model.keySet().stream().anyMatch(data::startsWith);
                assertThat(subject.matches(Unpooled.wrappedBuffer(bytes(data)))).as("%s after %s", data, op).isEqualTo(expected);
            }
        }
    }
}
