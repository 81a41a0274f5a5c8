// Any number of libzmq sockets of the draft API (CLIENT, SERVER, RADIO, DISH, SCATTER, GATHER, and
// CHANNEL, which zeromq.js makes only by its number) in one node process, driven
// over stdin/stdout for the interop matrix, with the same JSON lines as libzmq_driver.py:
//
//   {"op": "open", "type": "SERVER", "options": {...}}        -> {"sock": N}
//       options: identity (base64), sockopts ({NAME: int or {"b64": bytes}}; the names in OPTION_NUMBERS)
//   {"op": "bind", "sock": N, "endpoint": "tcp://127.0.0.1:0"} -> {"endpoint": "tcp://127.0.0.1:PORT"}
//   {"op": "connect", "sock": N, "endpoint": E}               -> {"ok": true}
//   {"op": "send", "sock": N, "frames": [base64...], "timeout": MS}
//                                                             -> {"ok": true} or {"error": ..., "name": CODE}
//   {"op": "recv", "sock": N, "timeout": MS}                  -> {"frames": [base64...]} or {"timeout": true}
//   {"op": "poke", "sock": N}                                 -> {"ok": true}  (reads ZMQ_EVENTS)
//   {"op": "close", "sock": N}                                -> {"ok": true}
//   {"op": "exit"}                                            -> exits
//
// A SERVER's messages carry a routing id beside the body; here it travels as a first frame of four
// bytes, big-endian, in both directions (a received message: [id, body]; a send: [id, body]). A
// RADIO's and a DISH's carry a group: a RADIO sends [group, body], a DISH receives [group, body].
//   {"op": "subscribe" | "unsubscribe", "sock": N, "topic": base64} -> {"ok": true}  (DISH: join, leave)
// Commands run one at a time, in order; each answer repeats its command's "id". Every wait is
// bounded by the timeout the command carries; the process also ends when stdin closes.
"use strict";
const readline = require("readline");
const zmq = require("zeromq");
const draft = require("zeromq/draft");

const sockets = new Map();
/** ZMQ_RCVTIMEO and ZMQ_SNDTIMEO, for a socket made by number (no named options). */
const RCVTIMEO = 27;
/** ZMQ_EVENTS. */
const EVENTS = 15;
const SNDTIMEO = 28;

function setSocketTimeout(sock, option, name, ms) {
    if (sock.constructor === zmq.Socket) {
        sock.setInt32Option(option, ms);
    } else {
        sock[name] = ms;
    }
}
let nextSock = 1;

function emit(obj) {
    process.stdout.write(JSON.stringify(obj) + "\n");
}

/** libzmq 4.3.5's numbers of the options the matrix sets (zmq.h; HELLO_MSG and on: the draft API). */
const OPTION_NUMBERS = {ROUTING_ID: 5, PROBE_ROUTER: 51, ROUTER_HANDOVER: 56, XPUB_WELCOME_MSG: 72, HELLO_MSG: 110};

/** libzmq's numbers of the draft types zeromq.js has no class for. */
const RAW_TYPES = {CHANNEL: 20};

/** zeromq.js's class names where they are not the type's name. */
const CLASS_NAMES = {PUB: "Publisher", SUB: "Subscriber", XPUB: "XPublisher", XSUB: "XSubscriber", REQ: "Request",
    REP: "Reply"};

function make(type) {
    const name = CLASS_NAMES[type] || type.charAt(0) + type.slice(1).toLowerCase();
    const Kind = draft[name] || zmq[name];
    if (Kind) {
        return new Kind({linger: 0});
    }
    if (RAW_TYPES[type] !== undefined) {
        return new zmq.Socket(RAW_TYPES[type], {linger: 0});
    }
    throw new Error("no socket type " + type);
}

function idFrame(id) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id >>> 0);
    return b.toString("base64");
}

const ops = {
    async open(cmd) {
        const options = cmd.options || {};
        const unknown = Object.keys(options).filter(k => k !== "identity" && k !== "sockopts");
        if (unknown.length > 0) {
            throw new Error("this driver takes only identity and sockopts, got " + unknown.join(", "));
        }
        const sock = make(cmd.type);
        if (options.identity !== undefined) {
            sock.setStringOption(OPTION_NUMBERS.ROUTING_ID, Buffer.from(options.identity, "base64"));
        }
        for (const [name, value] of Object.entries(options.sockopts || {})) {
            const number = OPTION_NUMBERS[name];
            if (number === undefined) {
                throw new Error("this driver does not know option " + name);
            }
            if (typeof value === "number") {
                sock.setInt32Option(number, value);
            } else {
                sock.setStringOption(number, Buffer.from(value.b64, "base64"));
            }
        }
        const n = nextSock++;
        sockets.set(n, {sock, type: cmd.type});
        return {sock: n};
    },
    async bind(cmd) {
        const s = sockets.get(cmd.sock).sock;
        let endpoint = cmd.endpoint;
        if (endpoint.startsWith("tcp://") && endpoint.endsWith(":0")) {
            endpoint = endpoint.slice(0, -2) + ":*";
        }
        await s.bind(endpoint);
        return {endpoint: s.lastEndpoint};
    },
    async connect(cmd) {
        sockets.get(cmd.sock).sock.connect(cmd.endpoint);
        return {ok: true};
    },
    async send(cmd) {
        const {sock, type} = sockets.get(cmd.sock);
        const frames = cmd.frames.map(f => Buffer.from(f, "base64"));
        setSocketTimeout(sock, SNDTIMEO, "sendTimeout", cmd.timeout === undefined ? 10000 : cmd.timeout);
        if (type === "SERVER") {
            if (frames.length !== 2 || frames[0].length !== 4) {
                throw new Error("a SERVER send is [routing id (4 bytes), body]");
            }
            await sock.send(frames[1], {routingId: frames[0].readUInt32BE(0)});
        } else if (type === "RADIO") {
            if (frames.length !== 2) {
                throw new Error("a RADIO send is [group, body]");
            }
            await sock.send(frames[1], {group: frames[0]});
        } else {
            await sock.send(frames.length === 1 ? frames[0] : frames);
        }
        return {ok: true};
    },
    async recv(cmd) {
        const {sock, type} = sockets.get(cmd.sock);
        setSocketTimeout(sock, RCVTIMEO, "receiveTimeout", Math.max(1, cmd.timeout === undefined ? 10000 : cmd.timeout));
        let got;
        try {
            got = await sock.receive();
        } catch (e) {
            if (e.code === "EAGAIN") {
                return {timeout: true};
            }
            throw e;
        }
        if (type === "SERVER") {
            const [body, options] = got;
            return {frames: [idFrame(options.routingId), body.toString("base64")]};
        }
        if (type === "DISH") {
            const [body, options] = got;
            return {frames: [Buffer.from(options.group).toString("base64"), body.toString("base64")]};
        }
        return {frames: got.map(f => f.toString("base64"))};
    },
    async subscribe(cmd) {
        const {sock, type} = sockets.get(cmd.sock);
        const topic = Buffer.from(cmd.topic, "base64");
        if (type === "DISH") {
            sock.join(topic);
        } else {
            sock.subscribe(topic);
        }
        return {ok: true};
    },
    async unsubscribe(cmd) {
        const {sock, type} = sockets.get(cmd.sock);
        const topic = Buffer.from(cmd.topic, "base64");
        if (type === "DISH") {
            sock.leave(topic);
        } else {
            sock.unsubscribe(topic);
        }
        return {ok: true};
    },
    async poke(cmd) {
        // Reading ZMQ_EVENTS makes libzmq process the socket's pending commands (e.g. attach a pipe,
        // which is when an XPUB writes its welcome message).
        const s = sockets.get(cmd.sock);
        if (s) {
            s.sock.getInt32Option(EVENTS);
        }
        return {ok: true};
    },
    async close(cmd) {
        const s = sockets.get(cmd.sock);
        sockets.delete(cmd.sock);
        s.sock.close();
        return {ok: true};
    },
};

async function main() {
    emit({ready: true, zmq: zmq.version});
    const lines = readline.createInterface({input: process.stdin});
    for await (const line of lines) {
        if (!line.trim()) {
            continue;
        }
        const cmd = JSON.parse(line);
        if (cmd.op === "exit") {
            break;
        }
        let answer;
        try {
            const op = ops[cmd.op];
            if (!op) {
                throw new Error("unknown op " + cmd.op);
            }
            answer = await op(cmd);
        } catch (e) {
            answer = {error: String(e.message || e), errno: e.errno || 0, name: e.code || e.name || "Error"};
        }
        answer.id = cmd.id;
        emit(answer);
    }
    for (const {sock} of sockets.values()) {
        sock.close();
    }
    process.exit(0);
}

main().catch(e => {
    process.stderr.write(String(e && e.stack || e) + "\n");
    process.exit(1);
});
