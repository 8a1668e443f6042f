"""An SMSC peer built on smpp34 (PyPI, Rust-backed, not ours) for the SMPPClient interop test.

Prints one JSON line per event on stdout: ready (with the port), bound, submit (with what arrived), mo_resp (the
status our client answered a deliver_sm with), unbound. Accepts every submit_sm with message_id P34-<n>; to the
first session that can receive it sends one deliver_sm. Exits when stdin closes or after the time limit (argv[1]).
"""
import asyncio
import json
import socket
import sys

import smpp34


def emit(**fields):
    print(json.dumps(fields), flush=True)


async def send_mo(esme):
    resp = await esme.deliver_sm("12345", b"Hola interop", source_addr="573001234567")
    emit(event="mo_resp", status=resp.command_status)


async def serve(server):
    count = 0
    mo_sent = False
    while True:
        ev = await server.next()
        if isinstance(ev, smpp34.Esme):
            emit(event="bound", system_id=ev.system_id, can_receive=ev.can_receive)
            if ev.can_receive and not mo_sent:
                mo_sent = True
                asyncio.get_running_loop().create_task(send_mo(ev))
        elif isinstance(ev, smpp34.SubmitSmEvent):
            count += 1
            message_id = f"P34-{count}"
            ev.accept(message_id)
            emit(event="submit", message_id=message_id, destination=ev.destination_addr, source=ev.source_addr,
                 data_coding=ev.data_coding, text=ev.short_message.hex())
        elif isinstance(ev, smpp34.Unbound):
            emit(event="unbound")


async def wait_stdin_closed():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)


async def main():
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = smpp34.Server("127.0.0.1", port, system_id="SMPP34")
    await server.start()
    emit(event="ready", port=port)
    serving = asyncio.ensure_future(serve(server))
    closed = asyncio.ensure_future(wait_stdin_closed())
    await asyncio.wait([serving, closed], timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    serving.cancel()
    await server.stop()


asyncio.run(main())
