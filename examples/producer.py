#!/usr/bin/env python3
# requirements: pika>=1.3
"""Publishes one SMS send request to the bridge (docs/DESIGN.md §1.2) and prints its id.

  AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ python3 producer.py --to +573001234567 --text 'Hola'

The request goes to the default exchange with routing key = the bridge's queue (AMQP_QUEUE, default
smpp.outbound): persistent, content type application/json, message_id = the request id, with a publisher confirm.
The bridge answers with one submit result (and receipts, MO) on its exchanges: see consumer.py.
"""
import argparse
import json
import os
import uuid

import pika


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", required=True, help="destination, e.g. +573001234567")
    parser.add_argument("--text", required=True, help="the message")
    parser.add_argument("--from", dest="sender", help="sender (default: the bridge's smpp.source.addr)")
    parser.add_argument("--id", default=None, help="request id, the dedup key (default: a new UUID)")
    parser.add_argument("--no-dlr", action="store_true", help="ask for no delivery receipt")
    args = parser.parse_args()

    request = {"id": args.id or str(uuid.uuid4()), "to": args.to, "text": args.text, "dlr": not args.no_dlr,
               "metadata": {"sent_by": "examples/producer.py"}}
    if args.sender:
        request["from"] = args.sender
    url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()  # basic_publish raises if the broker does not confirm
    channel.basic_publish(
        exchange="",
        routing_key=os.environ.get("AMQP_QUEUE", "smpp.outbound"),
        body=json.dumps(request).encode("utf-8"),
        properties=pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=request["id"]),
        mandatory=True,  # unroutable (no such queue: the bridge never ran) is an error, not a silent drop
    )
    connection.close()
    print(request["id"])


if __name__ == "__main__":
    main()
