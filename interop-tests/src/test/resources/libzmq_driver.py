"""Any number of libzmq sockets in one process, driven over stdin/stdout for the interop matrix.

Usage: libzmq_driver.py
Prints {"ready": true, "zmq": "4.3.4"} once, then answers one JSON line per command line; every
command carries an "id" that its answer repeats:

  {"op": "open", "type": "DEALER", "options": {...}}   -> {"sock": N}
      options: identity (base64), subscribe ([base64]), router_mandatory (bool),
               plain_server ({"user": "password"}), plain_user, plain_password, monitor (bool),
               curve_server (bool), curve_publickey, curve_secretkey, curve_serverkey (Z85),
               curve_allow ([Z85]: the client keys a CURVE server's ZAP handler admits),
               heartbeat_ivl, heartbeat_timeout, heartbeat_ttl (ms; 0 leaves one unset),
               sockopts ({NAME: int or {"b64": bytes}}: zmq.NAME set as given, e.g. PROBE_ROUTER)
  {"op": "bind", "sock": N, "endpoint": "tcp://127.0.0.1:0"} -> {"endpoint": "tcp://127.0.0.1:PORT"}
  {"op": "connect", "sock": N, "endpoint": E}           -> {"ok": true}
  {"op": "send", "sock": N, "frames": [base64...], "timeout": MS}
                                                        -> {"ok": true} or {"error": NAME, "errno": N}
  {"op": "recv", "sock": N, "timeout": MS}               -> {"frames": [base64...]} or {"timeout": true}
  {"op": "poke", "sock": N}                              -> {"ok": true}   (reads ZMQ_EVENTS)
  {"op": "subscribe" | "unsubscribe", "sock": N, "topic": base64} -> {"ok": true}
  {"op": "events", "sock": N, "timeout": MS}             -> {"events": [NAME...]}
  {"op": "close", "sock": N}                             -> {"ok": true}
  {"op": "exit"}                                         -> exits

Every wait is bounded by the timeout the command carries; the process also ends when stdin closes.
A failing command answers {"error": ..., "errno": ...} instead of ending the process.
"""
import base64
import json
import sys

import zmq
from zmq.utils.monitor import recv_monitor_message


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text)


class Driver:
    def __init__(self):
        self.ctx = zmq.Context()
        self.sockets = {}
        self.monitors = {}
        self.next_id = 1
        self.auth = None
        self.curve_allowed = set()

    def op_open(self, cmd):
        sock = self.ctx.socket(getattr(zmq, cmd["type"]))
        sock.setsockopt(zmq.LINGER, 0)
        options = cmd.get("options", {})
        for name, value in options.get("sockopts", {}).items():
            if isinstance(value, dict):
                sock.setsockopt(getattr(zmq, name), unb64(value["b64"]))
            else:
                sock.setsockopt(getattr(zmq, name), int(value))
        if "identity" in options:
            sock.setsockopt(zmq.ROUTING_ID, unb64(options["identity"]))
        for topic in options.get("subscribe", []):
            sock.setsockopt(zmq.SUBSCRIBE, unb64(topic))
        if options.get("router_mandatory"):
            sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        if "plain_server" in options:
            # libzmq asks a ZAP handler; pyzmq's runs in a thread of this context.
            self.authenticator().configure_plain(domain="*", passwords=options["plain_server"])
            sock.setsockopt(zmq.PLAIN_SERVER, 1)
        if options.get("curve_server"):
            # The ZAP handler admits the client keys every CURVE server of this process allowed.
            self.curve_allowed.update(k.encode("ascii") for k in options.get("curve_allow", []))
            self.authenticator().configure_curve_callback(domain="*", credentials_provider=self)
            sock.setsockopt(zmq.CURVE_SERVER, 1)
            sock.setsockopt(zmq.CURVE_SECRETKEY, options["curve_secretkey"].encode("ascii"))
        elif "curve_serverkey" in options:
            sock.setsockopt(zmq.CURVE_PUBLICKEY, options["curve_publickey"].encode("ascii"))
            sock.setsockopt(zmq.CURVE_SECRETKEY, options["curve_secretkey"].encode("ascii"))
            sock.setsockopt(zmq.CURVE_SERVERKEY, options["curve_serverkey"].encode("ascii"))
        for name, option in (("heartbeat_ivl", zmq.HEARTBEAT_IVL), ("heartbeat_timeout", zmq.HEARTBEAT_TIMEOUT),
                             ("heartbeat_ttl", zmq.HEARTBEAT_TTL)):
            if options.get(name, 0) > 0:
                sock.setsockopt(option, int(options[name]))
        if "plain_user" in options:
            sock.setsockopt(zmq.PLAIN_USERNAME, options["plain_user"].encode())
            sock.setsockopt(zmq.PLAIN_PASSWORD, options.get("plain_password", "").encode())
        sid = self.next_id
        self.next_id += 1
        if options.get("monitor"):
            self.monitors[sid] = sock.get_monitor_socket()
        self.sockets[sid] = sock
        return {"sock": sid}

    def authenticator(self):
        if self.auth is None:
            from zmq.auth.thread import ThreadAuthenticator
            self.auth = ThreadAuthenticator(self.ctx)
            self.auth.start()
        return self.auth

    def callback(self, domain, client_key):
        # pyzmq's credentials provider hook, called from the authenticator's thread with the Z85 key.
        return client_key in self.curve_allowed

    def op_bind(self, cmd):
        sock = self.sockets[cmd["sock"]]
        endpoint = cmd["endpoint"]
        if endpoint.startswith("tcp://") and endpoint.endswith(":0"):
            endpoint = endpoint[:-2] + ":*"
        sock.bind(endpoint)
        return {"endpoint": sock.getsockopt_string(zmq.LAST_ENDPOINT)}

    def op_connect(self, cmd):
        self.sockets[cmd["sock"]].connect(cmd["endpoint"])
        return {"ok": True}

    def op_send(self, cmd):
        sock = self.sockets[cmd["sock"]]
        sock.setsockopt(zmq.SNDTIMEO, int(cmd.get("timeout", 10000)))
        sock.send_multipart([unb64(f) for f in cmd["frames"]], copy=True)
        return {"ok": True}

    def op_recv(self, cmd):
        sock = self.sockets[cmd["sock"]]
        if sock.poll(int(cmd.get("timeout", 10000)), zmq.POLLIN):
            return {"frames": [b64(f) for f in sock.recv_multipart()]}
        return {"timeout": True}

    def op_poke(self, cmd):
        # Reading ZMQ_EVENTS makes libzmq process the socket's pending commands (e.g. attach a pipe).
        self.sockets[cmd["sock"]].getsockopt(zmq.EVENTS)
        return {"ok": True}

    def op_subscribe(self, cmd):
        self.sockets[cmd["sock"]].setsockopt(zmq.SUBSCRIBE, unb64(cmd["topic"]))
        return {"ok": True}

    def op_unsubscribe(self, cmd):
        self.sockets[cmd["sock"]].setsockopt(zmq.UNSUBSCRIBE, unb64(cmd["topic"]))
        return {"ok": True}

    def op_events(self, cmd):
        monitor = self.monitors.get(cmd["sock"])
        names = []
        timeout = int(cmd.get("timeout", 0))
        while monitor is not None and monitor.poll(timeout):
            event = recv_monitor_message(monitor)
            names.append(zmq.Event(event["event"]).name)
            timeout = 0
        return {"events": names}

    def op_close(self, cmd):
        sid = cmd["sock"]
        sock = self.sockets.pop(sid)
        monitor = self.monitors.pop(sid, None)
        if monitor is not None:
            sock.disable_monitor()
            monitor.close(0)
        sock.close(0)
        return {"ok": True}

    def shutdown(self):
        for sid in list(self.sockets):
            self.op_close({"sock": sid})
        if self.auth is not None:
            self.auth.stop()
        self.ctx.term()


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    driver = Driver()
    emit({"ready": True, "zmq": zmq.zmq_version()})
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        if cmd["op"] == "exit":
            break
        handler = getattr(driver, "op_" + cmd["op"], None)
        try:
            if handler is None:
                raise ValueError("unknown op " + cmd["op"])
            answer = handler(cmd)
        except zmq.ZMQError as e:
            answer = {"error": zmq.strerror(e.errno), "errno": e.errno, "name": errno_name(e.errno)}
        except Exception as e:  # a bad command must not end the process
            answer = {"error": repr(e), "errno": 0, "name": type(e).__name__}
        answer["id"] = cmd.get("id")
        emit(answer)
    driver.shutdown()


def errno_name(number):
    for name in ("EHOSTUNREACH", "EAGAIN", "EADDRINUSE", "EINVAL", "ENOTSUP", "EFSM", "ETERM"):
        if getattr(zmq, name, None) == number:
            return name
    return str(number)


if __name__ == "__main__":
    main()
