package io.zmtp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.zmtp.socket.Message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How {@code zmtp cat} writes a message as one line and reads one back.
 * <ul>
 *   <li>{@code text}: a line is a one-frame message; received frames are printed separated by
 *       a space, each as text when it is printable UTF-8 and as {@code 0x} hex otherwise;</li>
 *   <li>{@code hex}: frames in hex, separated by spaces (an empty frame is {@code -});</li>
 *   <li>{@code json}: a JSON array with one element per frame: a string for UTF-8 text, or
 *       {@code {"hex": "..."}} for other bytes. Exact for any message.</li>
 * </ul>
 */
enum FrameFormat {
    TEXT, HEX, JSON;

    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
    private static final HexFormat HEX_FORMAT = HexFormat.of();

    /** Parses one input line into a message; throws IllegalArgumentException naming what is wrong. */
    Message parse(String line) {
        switch (this) {
            case TEXT:
                return Message.of(line);
            case HEX: {
                Message m = new Message();
                for (String part : line.trim().split("\\s+")) {
                    if (part.equals("-") || part.isEmpty()) {
                        m.add(new byte[0]);
                    } else {
                        try {
                            m.add(HEX_FORMAT.parseHex(part));
                        } catch (IllegalArgumentException e) {
                            m.close();
                            throw new IllegalArgumentException("bad hex frame '" + part + "': " + e.getMessage());
                        }
                    }
                }
                return m;
            }
            default: {
                JsonNode node;
                try {
                    node = JSON_MAPPER.readTree(line);
                } catch (Exception e) {
                    throw new IllegalArgumentException("bad JSON line: " + e.getMessage());
                }
                if (node == null || !node.isArray() || node.isEmpty()) {
                    throw new IllegalArgumentException("a JSON line must be a non-empty array of frames: " + line);
                }
                Message m = new Message();
                for (JsonNode f : node) {
                    if (f.isTextual()) {
                        m.add(f.asText());
                    } else if (f.isObject() && f.has("hex")) {
                        try {
                            m.add(HEX_FORMAT.parseHex(f.get("hex").asText()));
                        } catch (IllegalArgumentException e) {
                            m.close();
                            throw new IllegalArgumentException("bad hex in JSON frame: " + f);
                        }
                    } else {
                        m.close();
                        throw new IllegalArgumentException("a JSON frame is a string or {\"hex\": \"...\"}: " + f);
                    }
                }
                return m;
            }
        }
    }

    /** Renders a message as one line. */
    String render(Message m) {
        switch (this) {
            case TEXT: {
                StringBuilder sb = new StringBuilder();
                for (ByteBuf f : m.frames()) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    String text = printable(f);
                    sb.append(text != null ? text : "0x" + ByteBufUtil.hexDump(f));
                }
                return sb.toString();
            }
            case HEX: {
                StringBuilder sb = new StringBuilder();
                for (ByteBuf f : m.frames()) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(f.isReadable() ? ByteBufUtil.hexDump(f) : "-");
                }
                return sb.toString();
            }
            default: {
                ArrayNode array = JSON_MAPPER.createArrayNode();
                for (ByteBuf f : m.frames()) {
                    String text = utf8(f);
                    if (text != null) {
                        array.add(text);
                    } else {
                        ObjectNode o = array.addObject();
                        o.put("hex", ByteBufUtil.hexDump(f));
                    }
                }
                return array.toString();
            }
        }
    }

    private static String utf8(ByteBuf f) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(ByteBufUtil.getBytes(f))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String printable(ByteBuf f) {
        String text = utf8(f);
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return null;
            }
        }
        return text;
    }
}
