package io.zmtp.config.store;

import io.zmtp.config.model.Change;
import io.zmtp.config.model.ReferenceDigest;
import io.zmtp.config.model.Revision;
import io.zmtp.config.model.Snapshot;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random change sequences applied to the store and to a plain {@link TreeMap} must agree on the
 * content and on the digest (computed for the model by {@link ReferenceDigest}, not by the store's
 * code), at every step and for every past revision.
 */
class StoreModelPropertyTest {
    private static final String[] KEYS = {"a", "b", "k/1", "z", "\u00e9", "\uff61", "\ud83d\ude00", "\ue000"};

    private static H2ConfigStore store;
    private static final AtomicInteger TRY = new AtomicInteger();

    @BeforeContainer
    static void openStore() {
        store = H2ConfigStore.inMemory(StoreLimits.DEFAULTS);
    }

    @AfterContainer
    static void closeStore() {
        store.close();
    }

    @Property(tries = 300)
    void storeAgreesWithTreeMapModel(@ForAll("changeSets") List<List<Change>> steps) {
        String ns = "prop/" + TRY.incrementAndGet();
        TreeMap<String, byte[]> model = new TreeMap<>();
        List<TreeMap<String, byte[]>> states = new ArrayList<>();
        states.add(new TreeMap<>());
        for (List<Change> step : steps) {
            TreeMap<String, byte[]> next = new TreeMap<>(model);
            for (Change c : step) {
                if (c.isDelete()) {
                    next.remove(c.key());
                } else {
                    next.put(c.key(), c.value());
                }
            }
            if (same(next, model)) {
                assertThatThrownBy(() -> store.commit(ns, step, "prop", ""))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes nothing");
                continue;
            }
            Revision r = store.commit(ns, step, "prop", "");
            model = next;
            states.add(next);
            assertThat(r.number()).isEqualTo(states.size() - 1);
            assertThat(r.digest()).isEqualTo(ReferenceDigest.of(model));
            assertMatches(store.snapshot(ns), model);
        }
        assertThat(store.latestRevision(ns)).isEqualTo(states.size() - 1);
        assertMatches(store.snapshot(ns), model);
        for (int rev = 1; rev < states.size(); rev++) {
            assertMatches(store.snapshotAt(ns, rev).orElseThrow(), states.get(rev));
        }
    }

    private static void assertMatches(Snapshot snapshot, TreeMap<String, byte[]> model) {
        assertThat(same(snapshot.entries(), model)).as("content of %s", snapshot).isTrue();
        assertThat(snapshot.digest()).isEqualTo(ReferenceDigest.of(model));
    }

    private static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Small key and value alphabets, so puts of equal values and deletes of absent keys are common. */
    @Provide
    Arbitrary<List<List<Change>>> changeSets() {
        Arbitrary<String> keys = Arbitraries.of(KEYS);
        Arbitrary<byte[]> values = Arbitraries.bytes().between((byte) 0, (byte) 2)
                .array(byte[].class).ofMaxSize(3).injectNull(0.3);
        Arbitrary<Change> change = Combinators.combine(keys, values).as(Change::new);
        Arbitrary<List<Change>> step = change.list().ofMinSize(1).ofMaxSize(4).uniqueElements(Change::key);
        return step.list().ofMaxSize(15);
    }
}
