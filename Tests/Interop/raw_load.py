#!/usr/bin/env python3
"""A raw, pipelined submit_sm load generator for smsc-sim figures (not a test; it never asserts speed).

Binds as a transmitter, keeps WINDOW submit_sm (registered_delivery 0) in flight until COUNT are answered, and
prints one JSON line: {"count", "window", "tls", "seconds", "msg_per_s"}. Python is usually the bottleneck
at large windows, so read the simulator's own CPU time (/proc/PID/stat) for its cost per message.

    python3 Tests/Interop/raw_load.py --port 2775 --count 50000 --window 100 [--ca Tests/Certificates/ca.pem]
"""
import argparse
import json
import socket
import ssl
import struct
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--ca", help="connect with TLS, verifying the server (name localhost) against this CA")
    parser.add_argument("--system-id", default="acme")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args()

    sock = socket.create_connection((args.host, args.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if args.ca:
        sock = ssl.create_default_context(cafile=args.ca).wrap_socket(sock, server_hostname="localhost")
    buffer = b""

    def pdu(command_id, sequence, body=b""):
        return struct.pack(">IIII", 16 + len(body), command_id, 0, sequence) + body

    def read_pdu():
        nonlocal buffer
        while True:
            if len(buffer) >= 4:
                length = struct.unpack(">I", buffer[:4])[0]
                if len(buffer) >= length:
                    frame, buffer = buffer[:length], buffer[length:]
                    return frame
            data = sock.recv(65536)
            if not data:
                raise SystemExit("connection closed")
            buffer += data

    bind = args.system_id.encode() + b"\0" + args.password.encode() + b"\0" + b"\0" + b"\x34\0\0\0"
    sock.sendall(pdu(0x02, 1, bind))
    if struct.unpack(">I", read_pdu()[8:12])[0] != 0:
        raise SystemExit("bind refused")
    text = b"Hello"
    body = (b"\0" + b"\x05\x00ACME\0" + b"\x01\x01573001234567\0" + b"\0\0\0" + b"\0\0"
            + b"\0\0\0\0" + bytes([len(text)]) + text)
    started = time.perf_counter()
    sent = answered = 0
    sequence = 2
    while answered < args.count:
        while sent < args.count and sent - answered < args.window:
            sock.sendall(pdu(0x04, sequence, body))
            sequence += 1
            sent += 1
        if struct.unpack(">I", read_pdu()[4:8])[0] == 0x80000004:
            answered += 1
    seconds = time.perf_counter() - started
    sock.close()
    print(json.dumps({"count": args.count, "window": args.window, "tls": bool(args.ca),
                      "seconds": round(seconds, 3), "msg_per_s": round(args.count / seconds)}))


if __name__ == "__main__":
    main()
