#!/usr/bin/python3
"""A config-center agent written from config-center/PROTOCOL.md alone, with pyzmq.

It is the proof that the document is enough: PythonAgentTest runs it against a real server.
Each time a namespace reaches a new confirmed state it prints one JSON line on stdout:
{"ns": ..., "rev": ..., "digest": ...}.  It runs until it is killed.

usage: agent.py UPDATES_ENDPOINT SYNC_ENDPOINT NODE PASSWORD NAMESPACE...
"""
import hashlib
import json
import struct
import sys
import time

import zmq

SYNC_TIMEOUT = 3.0        # seconds, from the SYNC or the last answer to it
REPORT_INTERVAL = 1.0     # keepalive REPORT
MAX_FRAME = 4 << 20       # PROTOCOL.md, Limits: max(4 MiB, the value limit)


def digest_of(content):
    """SHA-256 over the entries in order of the keys' UTF-8 bytes: len, key, len, value."""
    h = hashlib.sha256()
    for k in sorted(content, key=lambda key: key.encode("utf-8")):
        kb = k.encode("utf-8")
        v = content[k]
        h.update(struct.pack(">I", len(kb)))
        h.update(kb)
        h.update(struct.pack(">I", len(v)))
        h.update(v)
    return h.hexdigest()


class Namespace:
    def __init__(self, name):
        self.name = name
        self.rev = 0
        self.content = {}
        self.digest = digest_of({})
        self.epoch = None
        self.syncing = False
        self.req = 0
        self.sent_at = 0.0
        self.buffered = []
        self.snapshot = None      # [rev, digest, entries, content] while a snapshot arrives
        self.confirmed = False
        self.failed = None


class Agent:
    def __init__(self, updates, sync, node, password, namespaces):
        self.node = node
        self.ctx = zmq.Context()
        self.sub = self.ctx.socket(zmq.SUB)
        self.dealer = self.ctx.socket(zmq.DEALER)
        for s in (self.sub, self.dealer):
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.MAXMSGSIZE, MAX_FRAME)
            s.setsockopt(zmq.PLAIN_USERNAME, node.encode("utf-8"))
            s.setsockopt(zmq.PLAIN_PASSWORD, password.encode("utf-8"))
        self.ns = {n: Namespace(n) for n in namespaces}
        # Step 1: subscribe first, then SYNC.
        for n in namespaces:
            self.sub.setsockopt(zmq.SUBSCRIBE, n.encode("utf-8") + b"\0")
        self.sub.connect(updates)
        self.dealer.connect(sync)
        self.next_req = 1
        self.last_report = 0.0

    # ------------------------------------------------------------ requests

    def send(self, command, header):
        self.dealer.send_multipart([command, json.dumps(header).encode("utf-8")])

    def start_sync(self, s, frm):
        s.syncing = True
        s.req = self.next_req
        self.next_req += 1
        s.sent_at = time.monotonic()
        s.snapshot = None
        if frm == 0 and s.rev != 0:
            # A SYNC from 0 answered with revisions replays them from an empty namespace.
            s.rev, s.content, s.digest = 0, {}, digest_of({})
        self.send(b"SYNC", {"node": self.node, "ns": s.name, "from": frm, "req": s.req})

    def report(self, s):
        self.send(b"REPORT", {"node": self.node, "ns": s.name, "rev": s.rev, "digest": s.digest,
                              "applied": int(time.time() * 1000)})

    def announce(self, s):
        print(json.dumps({"ns": s.name, "rev": s.rev, "digest": s.digest}), flush=True)
        self.report(s)

    # ------------------------------------------------------------ revisions

    @staticmethod
    def changes(header, values):
        puts = [c for c in header["changes"] if c["op"] == "put"]
        if len(puts) != len(values):
            raise ValueError("%d puts for %d value frames" % (len(puts), len(values)))
        out, i = [], 0
        for c in header["changes"]:
            if c["op"] == "put":
                out.append((c["key"], values[i]))
                i += 1
            else:
                out.append((c["key"], None))
        return out

    def apply(self, s, header, values):
        """Applies the next revision; False when it does not follow on or the digest differs."""
        if header["rev"] != s.rev + 1:
            return False
        content = dict(s.content)
        for key, value in self.changes(header, values):
            if value is None:
                content.pop(key, None)
            else:
                content[key] = value
        d = digest_of(content)
        if d != header["digest"]:
            return False
        s.rev, s.content, s.digest = header["rev"], content, d
        return True

    # ------------------------------------------------------------ PUB side

    def on_update(self, frames):
        command = frames[1].decode("ascii")
        header = json.loads(frames[2])
        s = self.ns.get(header.get("ns"))
        if s is None or s.failed:
            return
        if command == "UPDATE":
            if s.syncing:
                s.buffered.append((header, frames[3:]))   # step 2
                return
            if header["rev"] <= s.rev:
                return                                     # step 5: older, ignore
            if header["rev"] != s.rev + 1:
                self.start_sync(s, s.rev)                  # a jump
            elif not self.apply(s, header, frames[3:]):
                self.start_sync(s, 0)                      # a digest mismatch
            else:
                self.announce(s)
        elif command == "HEARTBEAT" and not s.syncing:    # step 6
            rev, epoch = header["rev"], header.get("epoch")
            if rev > s.rev:
                self.start_sync(s, s.rev)
            elif rev == s.rev:
                if header["digest"] != s.digest:
                    self.start_sync(s, 0)
                elif epoch is not None:
                    s.epoch = epoch
            elif epoch is not None and epoch != s.epoch:
                self.start_sync(s, 0)                      # the server's store went back

    # ------------------------------------------------------------ ROUTER side

    def on_reply(self, frames):
        command = frames[0].decode("ascii")
        header = json.loads(frames[1])
        s = self.ns.get(header.get("ns"))
        if s is None or not s.syncing or header.get("req") != s.req:
            return                                         # an answer to an earlier req
        s.sent_at = time.monotonic()                       # the timeout runs from the last answer
        if command == "REVISION":
            if header["rev"] > s.rev and not self.apply(s, header, frames[2:]):
                self.start_sync(s, 0)
        elif command == "SNAPSHOT":
            s.snapshot = [header["rev"], header["digest"], header["entries"], {}]
        elif command == "CHUNK":
            keys = header["keys"]
            if s.snapshot is None or len(keys) != len(frames) - 2:
                self.start_sync(s, 0)
                return
            for k, v in zip(keys, frames[2:]):
                s.snapshot[3][k] = v
        elif command == "SYNCED":
            self.synced(s, header)
        elif command == "ERROR":
            code = header.get("code")
            if code in ("identity", "forbidden"):
                s.failed = header.get("reason", code)
                s.syncing = False
                print("refused %s: %s" % (s.name, s.failed), file=sys.stderr, flush=True)
            elif code == "busy":
                s.sent_at = time.monotonic() - SYNC_TIMEOUT + header.get("retry", 250) / 1000.0

    def synced(self, s, header):
        rev, digest = header["rev"], header["digest"]
        if s.snapshot is not None:
            srev, sdigest, entries, content = s.snapshot
            s.snapshot = None
            d = digest_of(content)
            if srev != rev or len(content) != entries or d != digest:
                self.start_sync(s, 0)
                return
            s.rev, s.content, s.digest = rev, content, d
        elif rev != s.rev or digest != s.digest:
            self.start_sync(s, 0)                          # step 3
            return
        if header.get("more"):
            self.start_sync(s, s.rev)
            return
        s.syncing = False
        s.confirmed = True
        s.epoch = header.get("epoch")
        held = sorted(s.buffered, key=lambda u: u[0]["rev"])
        s.buffered = []
        self.announce(s)
        for h, values in held:                              # step 4
            if h["rev"] <= s.rev:
                continue
            if h["rev"] != s.rev + 1 or not self.apply(s, h, values):
                self.start_sync(s, s.rev)
                return
            self.announce(s)

    # ------------------------------------------------------------ loop

    def run(self):
        poller = zmq.Poller()
        poller.register(self.sub, zmq.POLLIN)
        poller.register(self.dealer, zmq.POLLIN)
        for s in self.ns.values():
            self.start_sync(s, s.rev)
        while True:
            ready = dict(poller.poll(50))
            if self.sub in ready:
                while True:
                    try:
                        self.on_update(self.sub.recv_multipart(zmq.NOBLOCK))
                    except zmq.Again:
                        break
            if self.dealer in ready:
                while True:
                    try:
                        self.on_reply(self.dealer.recv_multipart(zmq.NOBLOCK))
                    except zmq.Again:
                        break
            now = time.monotonic()
            for s in self.ns.values():
                if s.syncing and now - s.sent_at > SYNC_TIMEOUT:
                    self.start_sync(s, s.rev)
            if now - self.last_report > REPORT_INTERVAL:
                self.last_report = now
                for s in self.ns.values():
                    if s.confirmed and not s.failed:
                        self.report(s)


if __name__ == "__main__":
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    Agent(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]).run()
