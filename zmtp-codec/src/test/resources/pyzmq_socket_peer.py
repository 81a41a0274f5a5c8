"""A libzmq socket driven over stdin/stdout, for interop tests.

Usage: pyzmq_socket_peer.py TYPE (bind|connect) ENDPOINT [identity=ID] [subscribe=HEX]...
  options also: router_mandatory=1, plain_server=USER:PASS,..., plain_user=U, plain_password=P,
  curve_server=1, curve_secretkey=Z85, curve_publickey=Z85, curve_serverkey=Z85,
  curve_allow=Z85,Z85 (ZAP handler accepting only these client keys), monitor=1
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
    auth = None
    monitor = None
    for arg in sys.argv[4:]:
        key, _, value = arg.partition("=")
        if key == "identity":
            sock.setsockopt(zmq.IDENTITY, value.encode())
        elif key == "subscribe":
            sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(value))
        elif key == "router_mandatory":
            sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        elif key == "plain_server":
            # users as user:password,user:password; libzmq's PLAIN server needs a ZAP handler.
            from zmq.auth.thread import ThreadAuthenticator
            auth = ThreadAuthenticator(ctx)
            auth.start()
            users = dict(pair.split(":", 1) for pair in value.split(","))
            auth.configure_plain(domain="*", passwords=users)
            sock.setsockopt(zmq.PLAIN_SERVER, 1)
        elif key == "plain_user":
            sock.setsockopt(zmq.PLAIN_USERNAME, value.encode())
        elif key == "plain_password":
            sock.setsockopt(zmq.PLAIN_PASSWORD, value.encode())
        elif key == "curve_server":
            sock.setsockopt(zmq.CURVE_SERVER, int(value))
        elif key == "curve_secretkey":
            sock.setsockopt(zmq.CURVE_SECRETKEY, value.encode())
        elif key == "curve_publickey":
            sock.setsockopt(zmq.CURVE_PUBLICKEY, value.encode())
        elif key == "curve_serverkey":
            sock.setsockopt(zmq.CURVE_SERVERKEY, value.encode())
        elif key == "curve_allow":
            # A ZAP handler that accepts only these Z85 client public keys (comma-separated) and
            # answers 400 to any other; without this option a CURVE server accepts every client.
            from zmq.auth.thread import ThreadAuthenticator
            auth = ThreadAuthenticator(ctx)
            auth.start()
            auth.configure_curve_callback(domain="*", credentials_provider=KeyList(value.split(",")))
        elif key == "monitor":
            monitor = sock.get_monitor_socket()
    if how == "bind":
        if endpoint.startswith("tcp://") and endpoint.endswith(":*"):
            emit({"port": sock.bind_to_random_port(endpoint[: endpoint.rindex(":")])})
        elif endpoint.startswith("tcp://"):
            sock.bind(endpoint)
            emit({"port": int(endpoint.rsplit(":", 1)[1])})
        else:
            sock.bind(endpoint)
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
        elif op == "events":
            # Monitor events seen so far, by name (needs the monitor option).
            names = []
            while monitor is not None and monitor.poll(cmd.get("timeout", 0)):
                from zmq.utils.monitor import recv_monitor_message
                event = recv_monitor_message(monitor)
                names.append(zmq.Event(event["event"]).name)
                cmd["timeout"] = 0
            emit({"events": names})
        elif op == "close":
            break
    if monitor is not None:
        sock.disable_monitor()
        monitor.close()
    sock.close()
    if auth is not None:
        auth.stop()
    ctx.term()


class KeyList:
    """CURVE credentials provider for pyzmq's authenticator: a fixed set of Z85 public keys."""

    def __init__(self, keys):
        self.keys = {k.encode() for k in keys if k}

    def callback(self, domain, key):
        return key in self.keys


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
