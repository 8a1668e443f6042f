#!/usr/bin/env python3
# requirements: pika>=1.3
"""Prints the bridge's events as they arrive: submit results, delivery receipts and MO messages (§1.3).

  AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ python3 consumer.py                 # everything, until Ctrl-C
  AMQP_URL=… python3 consumer.py --request-id order-42 --timeout 60              # one request's story, then exit

One line per event: `routing-key JSON`. Binds a private, auto-deleted queue with `#` to the three exchanges
(AMQP_EXCHANGES_RESULTS, AMQP_EXCHANGES_DLR, AMQP_EXCHANGES_MO; defaults smpp.results, smpp.dlr, smpp.mo — the
bridge declares them when it starts) and prints `consumer: ready` once bound. With --request-id it exits 0 when
that request's result is in and, if it was accepted with receipts asked for, a final receipt has arrived for every
message id; 1 when the result is not `accepted`; 2 on timeout. A real service would use its own durable queue.
"""
import argparse
import json
import os
import sys
import time

import pika


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request-id", help="stop after this request's result and final receipts")
    parser.add_argument("--no-dlr", action="store_true", help="the request asked for no receipts")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait with --request-id")
    parser.add_argument("--events-file", help="also append every event body to this file, one JSON per line")
    args = parser.parse_args()

    connection = pika.BlockingConnection(pika.URLParameters(os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")))
    channel = connection.channel()
    queue = channel.queue_declare(queue="", exclusive=True, auto_delete=True).method.queue
    for variable, default in (("AMQP_EXCHANGES_RESULTS", "smpp.results"), ("AMQP_EXCHANGES_DLR", "smpp.dlr"),
                              ("AMQP_EXCHANGES_MO", "smpp.mo")):
        channel.queue_bind(queue=queue, exchange=os.environ.get(variable, default), routing_key="#")
    print("consumer: ready", flush=True)

    result, final_receipts, deadline = None, set(), time.monotonic() + args.timeout
    for method, _, body in channel.consume(queue, auto_ack=True, inactivity_timeout=0.5):
        if method is not None:
            print(method.routing_key, body.decode("utf-8"), flush=True)
            if args.events_file:
                with open(args.events_file, "ab") as handle:
                    handle.write(body + b"\n")
            event = json.loads(body)
            if args.request_id and event.get("request_id") == args.request_id:
                if event["type"] == "submit_result":
                    result = event
                elif event["type"] == "delivery_receipt" and event["final"]:
                    final_receipts.add(event["message_id"])
        if args.request_id:
            if result is not None and result["status"] != "accepted":
                return 1
            if result is not None and (args.no_dlr or set(result["message_ids"]) <= final_receipts):
                return 0
            if time.monotonic() > deadline:
                print(f"consumer: timeout waiting for {args.request_id}", file=sys.stderr)
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
