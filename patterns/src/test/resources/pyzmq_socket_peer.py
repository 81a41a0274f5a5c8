"""A libzmq socket driven over stdin/stdout, for interop tests.

Usage: pyzmq_socket_peer.py TYPE (bind|connect) ENDPOINT [identity=ID] [subscribe=HEX]...
Prints one JSON object per line: {"port": N} after a bind, then {"ready": true}.
Reads one JSON command per line:
  {"op": "send", "frames": ["hex", ...]}         -> {"sent": true}
  {"op": "recv", "timeout": MS}                  -> {"frames": ["hex", ...]} or {"timeout": true}
  {"op": "subscribe", "topic": "hex"} / {"op": "unsubscribe", "topic": "hex"} -> {"ok": true}
  {"op": "close"}                                -> exits
Every wait is bounded; the script exits by itself when stdin closes.
"""
import json
import sys

import zmq


def main():
    kind, how, endpoint = sys.argv[1], sys.argv[2], sys.argv[3]
    ctx = zmq.Context()
    sock = ctx.socket(getattr(zmq, kind))
    sock.setsockopt(zmq.LINGER, 1000)
    sock.setsockopt(zmq.SNDTIMEO, 10000)
    for arg in sys.argv[4:]:
        key, _, value = arg.partition("=")
        if key == "identity":
            sock.setsockopt(zmq.IDENTITY, value.encode())
        elif key == "subscribe":
            sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(value))
        elif key == "router_mandatory":
            sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
    if how == "bind":
        if endpoint.endswith(":*"):
            port = sock.bind_to_random_port(endpoint[: endpoint.rindex(":")])
        else:
            sock.bind(endpoint)
            port = int(endpoint.rsplit(":", 1)[1])
        emit({"port": port})
    else:
        sock.connect(endpoint)
    emit({"ready": True, "zmq": zmq.zmq_version()})
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "send":
            sock.send_multipart([bytes.fromhex(f) for f in cmd["frames"]])
            emit({"sent": True})
        elif op == "recv":
            if sock.poll(cmd.get("timeout", 10000)):
                emit({"frames": [f.hex() for f in sock.recv_multipart()]})
            else:
                emit({"timeout": True})
        elif op == "subscribe":
            sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(cmd["topic"]))
            emit({"ok": True})
        elif op == "unsubscribe":
            sock.setsockopt(zmq.UNSUBSCRIBE, bytes.fromhex(cmd["topic"]))
            emit({"ok": True})
        elif op == "close":
            break
    sock.close()
    ctx.term()


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
