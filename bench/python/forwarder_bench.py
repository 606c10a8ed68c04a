#!/usr/bin/env python3
"""The Python original's data path, measured the way bench/src measures the bus.

A pyzmq ``ThreadDevice`` proxies XSUB (publishers' side) to XPUB (subscribers'
side) over inproc on the global context, as ``sunflare.virtual``'s forwarder
does; the publisher sends ``[topic, msgpack body]`` from the main thread, the
subscriber receives in a background thread and decodes each body, as the
original's ``Subscriber`` receive loop and ``consume`` do. numpy arrays travel
as ``[raw bytes, dtype string, shape]`` through msgpack's ``default`` hook.

Prints one JSON object on stdout.
"""

import argparse
import json
import sys
import threading
import time
import uuid

import msgpack
import numpy as np
import zmq
from zmq.devices import ThreadDevice

PROBE = b""


def encode_hook(obj):
    if isinstance(obj, np.ndarray):
        return [obj.tobytes(), str(obj.dtype), list(obj.shape)]
    raise TypeError(f"cannot encode {type(obj).__name__}")


def as_ndarray(value):
    data, dtype, shape = value
    return np.frombuffer(data, dtype=dtype).reshape(shape)


def run_stream(count, warmup, topic, make_body, read_body, nodrop):
    """Sends warmup then count messages; times the second batch, first send to last delivery."""
    ctx = zmq.Context.instance()
    name = uuid.uuid4().hex
    pub_address = f"inproc://bench-py-pub-{name}"
    sub_address = f"inproc://bench-py-sub-{name}"

    device = ThreadDevice(zmq.QUEUE, zmq.XSUB, zmq.XPUB)
    device.bind_in(pub_address)
    device.bind_out(sub_address)
    if nodrop:
        device.setsockopt_out(zmq.XPUB_NODROP, 1)
    device.daemon = True
    device.start()

    publisher = ctx.socket(zmq.PUB)
    if nodrop:
        publisher.setsockopt(zmq.XPUB_NODROP, 1)
    publisher.connect(pub_address)
    subscriber = ctx.socket(zmq.SUB)
    subscriber.setsockopt(zmq.RCVTIMEO, 3000)
    subscriber.connect(sub_address)
    subscriber.setsockopt(zmq.SUBSCRIBE, topic)

    probed = threading.Event()
    state = {"delivered": 0, "target": warmup, "last": 0.0}
    batch_done = threading.Event()

    def receive_loop():
        while True:
            try:
                frames = subscriber.recv_multipart()
            except zmq.Again:
                batch_done.set()
                return
            body = frames[1]
            if body == PROBE:
                probed.set()
                continue
            read_body(body)
            state["delivered"] += 1
            state["last"] = time.perf_counter()
            if state["delivered"] == state["target"]:
                batch_done.set()
                if state["target"] == count and state.get("measuring"):
                    return

    thread = threading.Thread(target=receive_loop, daemon=True)
    thread.start()
    while not probed.is_set():
        publisher.send_multipart([topic, PROBE])
        probed.wait(0.001)

    for seq in range(warmup):
        publisher.send_multipart([topic, make_body(seq)])
    batch_done.wait(10)

    batch_done.clear()
    state["delivered"] = 0
    state["target"] = count
    state["measuring"] = True
    cpu_start = time.process_time()
    start = time.perf_counter()
    for seq in range(count):
        publisher.send_multipart([topic, make_body(seq)])
    batch_done.wait(60)
    thread.join(5)
    cpu = time.process_time() - cpu_start
    seconds = state["last"] - start
    delivered = state["delivered"]

    publisher.close(0)
    subscriber.close(0)
    return {
        "count": count,
        "delivered": delivered,
        "seconds": seconds,
        "rate": delivered / seconds if seconds > 0 else 0,
        "cpuPerMessage": cpu * 1e6 / count,
    }


def small_case(count, warmup, nodrop):
    def make_body(seq):
        return msgpack.packb({"seq": seq, "t": time.perf_counter()})

    def read_body(body):
        msgpack.unpackb(body)

    return run_stream(count, warmup, b"small", make_body, read_body, nodrop)


def frames_case(count, warmup, nodrop):
    frame = np.arange(512 * 512, dtype=np.uint16).reshape(512, 512)

    def make_body(_seq):
        return msgpack.packb(frame, default=encode_hook)

    def read_body(body):
        as_ndarray(msgpack.unpackb(body))

    result = run_stream(count, warmup, b"frames", make_body, read_body, nodrop)
    result["bytes"] = frame.nbytes
    return result


def median_round(rounds, measure):
    results = sorted((measure() for _ in range(rounds)), key=lambda result: result["rate"])
    return results[len(results) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--small-warmup", type=int, default=20_000)
    parser.add_argument("--frames", type=int, default=2_000)
    parser.add_argument("--frames-warmup", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="report the median-rate round")
    parser.add_argument("--drop", action="store_true", help="keep zeromq's default dropping at the high-water mark")
    args = parser.parse_args()
    nodrop = not args.drop

    result = {
        "python": sys.version.split()[0],
        "pyzmq": zmq.__version__,
        "libzmq": zmq.zmq_version(),
        "msgpack": ".".join(map(str, msgpack.version)),
        "numpy": np.__version__,
        "small": median_round(args.rounds, lambda: small_case(args.small, args.small_warmup, nodrop)),
        "frames": median_round(args.rounds, lambda: frames_case(args.frames, args.frames_warmup, nodrop)),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
