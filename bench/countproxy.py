#!/usr/bin/env python3
"""Counting (and optionally link-shaping) TCP proxy for the benchmark:
127.0.0.1:<listen> -> 127.0.0.1:<target>.

Counts the bytes sent by the server to the client ("down") and by the client to
the server ("up"), cumulatively over all connections, and the round trips: the
times the server starts sending after the client has sent something since the
server last sent (a request answered; the connection start-up included). A byte
is counted when the proxy receives it, so once a client has exited, every byte it
received is counted.

  countproxy.py --target-port P --port-file F [--link BANDWIDTH,DELAY]
writes "<proxy port> <control port>" to F when ready. Connecting to the control
port returns one line "<down> <up> <connections> <round trips>" and closes.
Runs until killed (SIGTERM).

--link shapes each direction of each connection like a WAN link (netem without
root): BANDWIDTH (e.g. 100mbit, 1gbit, 500kbit; 0 = unlimited) serialises the
bytes, then DELAY (e.g. 20ms; one way) is added before they are delivered; a new
connection pays one round trip for the TCP handshake. Each direction buffers at
most a few bandwidth-delay products, then stops reading (back-pressure, as TCP's
window would).
"""
import argparse
import collections
import os
import re
import socket
import threading
import time

BUF = 1 << 20
CHUNK = 64 << 10  # shaped: serialisation granularity (0.5 ms at 1 Gbit/s)


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.down = 0
        self.up = 0
        self.conns = 0
        self.turns = 0

    def add(self, attr, n):
        with self.lock:
            setattr(self, attr, getattr(self, attr) + n)

    def line(self):
        with self.lock:
            return f"{self.down} {self.up} {self.conns} {self.turns}\n"


class Turns:
    """Per connection: counts a round trip when the server answers client data."""

    def __init__(self, counters):
        self.counters = counters
        self.lock = threading.Lock()
        self.client_spoke = False

    def saw(self, attr):
        with self.lock:
            if attr == "up":
                self.client_spoke = True
                return
            if not self.client_spoke:
                return
            self.client_spoke = False
        self.counters.add("turns", 1)


def parse_link(text):
    """'100mbit,20ms' -> (bytes per second or 0 for unlimited, one-way delay in s)."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([kmg]?)(bit|bps)?\s*,\s*([0-9.]+)\s*(us|ms|s)?\s*", text, re.I)
    if not m:
        raise argparse.ArgumentTypeError(
            f"--link {text!r}: expected BANDWIDTH,DELAY such as 100mbit,20ms (bandwidth 0 = unlimited)")
    scale = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2).lower()]
    bits = float(m.group(1)) * scale
    delay = float(m.group(4)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, None: 1e-3}[m.group(5) and m.group(5).lower()]
    return bits / 8, delay


def shutdown(src, dst):
    # propagate the close in this direction; the other pump ends on its own
    for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
        try:
            s.shutdown(how)
        except OSError:
            pass


def pump(src, dst, counters, attr, turns):
    """Unshaped: forward as fast as the sockets go."""
    buf = bytearray(BUF)
    view = memoryview(buf)
    try:
        while True:
            n = src.recv_into(buf)
            if n == 0:
                break
            counters.add(attr, n)
            turns.saw(attr)
            dst.sendall(view[:n])
    except OSError:
        pass
    finally:
        shutdown(src, dst)


def shaped_pump(src, dst, counters, attr, turns, rate, delay, start_at):
    """One direction of a shaped link: the reader stamps each chunk with the time
    it leaves the link (serialised at `rate` behind the chunks before it, plus
    `delay`); a writer thread delivers it then."""
    cond = threading.Condition()
    queue = collections.deque()  # (deliver_at, bytes); None = end of stream
    limit = max(1 << 20, int(4 * rate * 2 * delay)) if rate else 1 << 22
    state = {"queued": 0, "broken": False}

    def writer():
        try:
            while True:
                with cond:
                    while not queue:
                        cond.wait()
                    item = queue.popleft()
                if item is None:
                    break
                due, data = item
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                dst.sendall(data)
                with cond:
                    state["queued"] -= len(data)
                    cond.notify_all()
        except OSError:
            with cond:
                state["broken"] = True
                cond.notify_all()
        finally:
            shutdown(src, dst)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    link_free = start_at
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            counters.add(attr, len(data))
            turns.saw(attr)
            now = time.monotonic()
            link_free = max(now, link_free) + (len(data) / rate if rate else 0.0)
            with cond:
                while state["queued"] > limit and not state["broken"]:
                    cond.wait()
                if state["broken"]:
                    break
                queue.append((link_free + delay, data))
                state["queued"] += len(data)
                cond.notify_all()
    except OSError:
        pass
    finally:
        with cond:
            queue.append(None)
            cond.notify_all()
        t.join()


def handle(client, target_port, counters, link):
    try:
        server = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    counters.add("conns", 1)
    turns = Turns(counters)
    if link:
        rate, delay = link
        # the client's first bytes wait one round trip: the TCP handshake
        handshake = time.monotonic() + 2 * delay
        down = (shaped_pump, (server, client, counters, "down", turns, rate, delay, 0.0))
        up = (shaped_pump, (client, server, counters, "up", turns, rate, delay, handshake))
    else:
        down = (pump, (server, client, counters, "down", turns))
        up = (pump, (client, server, counters, "up", turns))
    t = threading.Thread(target=down[0], args=down[1], daemon=True)
    t.start()
    up[0](*up[1])
    t.join()
    client.close()
    server.close()


def serve_control(sock, counters):
    while True:
        c, _ = sock.accept()
        try:
            c.sendall(counters.line().encode())
        except OSError:
            pass
        c.close()


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target-port", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--link", type=parse_link, help="BANDWIDTH,DELAY, e.g. 100mbit,20ms (one-way delay)")
    args = ap.parse_args()
    link = args.link if args.link and (args.link[0] or args.link[1]) else None
    counters = Counters()
    proxy, control = listener(), listener()
    threading.Thread(target=serve_control, args=(control, counters), daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{proxy.getsockname()[1]} {control.getsockname()[1]}\n")
    os.replace(tmp, args.port_file)
    while True:
        c, _ = proxy.accept()
        threading.Thread(target=handle, args=(c, args.target_port, counters, link), daemon=True).start()


if __name__ == "__main__":
    main()
