#!/usr/bin/env python3
"""Drives an SMSC with python-smpplib, an SMPP client that is not ours (interop test of smsc-sim).

Binds as a transceiver (over TLS when --ca is given), submits a GSM 7-bit message, a UCS2 message and a
concatenated GSM 7-bit message (UDH, 8-bit reference), all with registered_delivery, answers the first delivery
receipt ESME_RX_T_APPN (so the SMSC must deliver it again) and the rest ESME_ROK, waits for one final receipt
per submitted part, unbinds, and prints one JSON object describing everything it sent and received.
"""
import argparse
import binascii
import json
import socket
import ssl
import sys
import time
import warnings

import smpplib.client
import smpplib.consts
import smpplib.gsm

warnings.simplefilter("ignore", DeprecationWarning)


def text(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return "" if value is None else str(value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", help="CA file: connect with TLS and verify the server against it")
    parser.add_argument("--system-id", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    context = None
    if args.ca:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=args.ca)
        # smpplib wraps the socket without a server name, so the chain is verified but not the host name.
        context.check_hostname = False
        context.minimum_version = ssl.TLSVersion.TLSv1_2

    client = smpplib.client.Client(args.host, args.port, timeout=5, ssl_context=context,
                                   allow_unknown_opt_params=True)
    submitted = []
    receipts = []
    pending_by_sequence = {}
    refused_first = []

    def on_sent(pdu, **kwargs):
        entry = pending_by_sequence.pop(pdu.sequence, None)
        if entry is not None:
            entry["message_id"] = text(pdu.message_id)
            entry["status"] = pdu.status

    def on_received(pdu, **kwargs):
        receipt = {
            "receipted_message_id": text(getattr(pdu, "receipted_message_id", None)),
            "message_state": getattr(pdu, "message_state", None),
            "esm_class": pdu.esm_class,
            "text": text(pdu.short_message),
            "source_addr": text(pdu.source_addr),
            "destination_addr": text(pdu.destination_addr),
        }
        if not refused_first:
            refused_first.append(receipt)
            return smpplib.consts.SMPP_ESME_RX_T_APPN
        receipts.append(receipt)
        return smpplib.consts.SMPP_ESME_ROK

    client.set_message_sent_handler(on_sent)
    client.set_message_received_handler(on_received)
    client.connect()
    client.bind_transceiver(system_id=args.system_id, password=args.password)

    messages = [
        ("gsm7", "Hello from smpplib: {curly} & [square] 100€"),
        ("ucs2", "Привет, мир! こんにちは ✓"),
        ("concat", "Long message from smpplib. " * 8),
    ]
    for label, body in messages:
        parts, encoding, esm_class = smpplib.gsm.make_parts(body)
        for part in parts:
            pdu = client.send_message(
                source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
                source_addr="SMPPLIB",
                dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                destination_addr="573001112233",
                short_message=part,
                data_coding=encoding,
                esm_class=esm_class,
                registered_delivery=True,
            )
            entry = {
                "label": label,
                "sequence": pdu.sequence,
                "data_coding": encoding,
                "esm_class": esm_class,
                "short_message_hex": binascii.hexlify(part).decode(),
            }
            submitted.append(entry)
            pending_by_sequence[pdu.sequence] = entry

    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and (pending_by_sequence or len(receipts) < len(submitted)):
        try:
            client.read_once(auto_send_enquire_link=False)
        except socket.timeout:
            continue
    client.unbind()
    client.disconnect()

    json.dump({"submitted": submitted, "receipts": receipts, "refused_first": refused_first,
               "tls": bool(args.ca)}, sys.stdout)
    sys.stdout.write("\n")
    complete = not pending_by_sequence and len(receipts) >= len(submitted)
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main())
