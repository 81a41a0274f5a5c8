package io.zmtp.config.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zmtp.config.model.ConfigLimitException;
import io.zmtp.config.model.Namespaces;
import io.zmtp.socket.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * The parsing a request goes through on the server (and an answer on the agent): the JSON
 * header, the namespace, numbers and texts, and a change list with its value frames. The fuzzer's
 * bytes are frames, each behind a two-byte length. Only the refusals the server answers with an
 * ERROR may come out (bad-request: {@link Wire.ProtocolException}, {@link IllegalArgumentException};
 * too-large: {@link ConfigLimitException}); anything else would be an "internal" failure.
 */
class RequestFuzzTest {
    @FuzzTest
    void request(byte[] input) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at + 2 <= input.length && frames.size() < 64) {
            int n = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
            byte[] f = new byte[n];
            System.arraycopy(input, at + 2, f, 0, n);
            frames.add(f);
            at += 2 + n;
        }
        if (frames.size() < 2) {
            return;
        }
        try (Message m = Message.of(frames.toArray(new byte[0][]))) {
            ObjectNode h = Wire.header(m.bytes(1));
            Wire.validRequestNumber(h);
            if (h.has("req")) {
                Wire.requestNumber(h);
            }
            if (h.has("ns")) {
                Namespaces.validate(Wire.text(h, "ns"));
            }
            if (h.has("from")) {
                Wire.count(h, "from");
            }
            if (h.has("changes")) {
                Wire.readChanges(h, m, 2);
            }
            if (h.has("rev")) {
                Wire.readRevision(h, m, 2);
            }
        } catch (Wire.ProtocolException | IllegalArgumentException | ConfigLimitException refused) {
            // The server answers these with ERROR bad-request or too-large.
        }
    }
}
