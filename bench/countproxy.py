#!/usr/bin/env python3
"""Counting TCP proxy for the benchmark: 127.0.0.1:<listen> -> 127.0.0.1:<target>.

Counts the bytes sent by the server to the client ("down") and by the client to
the server ("up"), cumulatively over all connections. A byte is counted before it
is forwarded, so once a client has exited, every byte it received is counted.

  countproxy.py --target-port P --port-file F
writes "<proxy port> <control port>" to F when ready. Connecting to the control
port returns one line "<down> <up> <connections>" and closes.
Runs until killed (SIGTERM).
"""
import argparse
import os
import socket
import threading

BUF = 1 << 20


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.down = 0
        self.up = 0
        self.conns = 0

    def add(self, attr, n):
        with self.lock:
            setattr(self, attr, getattr(self, attr) + n)

    def line(self):
        with self.lock:
            return f"{self.down} {self.up} {self.conns}\n"


def pump(src, dst, counters, attr):
    buf = bytearray(BUF)
    view = memoryview(buf)
    try:
        while True:
            n = src.recv_into(buf)
            if n == 0:
                break
            counters.add(attr, n)
            dst.sendall(view[:n])
    except OSError:
        pass
    finally:
        # propagate the close in this direction; the other pump ends on its own
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def handle(client, target_port, counters):
    try:
        server = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    counters.add("conns", 1)
    t = threading.Thread(target=pump, args=(server, client, counters, "down"), daemon=True)
    t.start()
    pump(client, server, counters, "up")
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
    args = ap.parse_args()
    counters = Counters()
    proxy, control = listener(), listener()
    threading.Thread(target=serve_control, args=(control, counters), daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{proxy.getsockname()[1]} {control.getsockname()[1]}\n")
    os.replace(tmp, args.port_file)
    while True:
        c, _ = proxy.accept()
        threading.Thread(target=handle, args=(c, args.target_port, counters), daemon=True).start()


if __name__ == "__main__":
    main()
