#!/usr/bin/env python3
"""Live cross-language check, driven by python.test.ts.

Reads one MessagePack message written by the TypeScript encoder on stdin,
decodes it with Python msgpack, turns every [bytes, dtype, shape] triple into a
numpy array with np.frombuffer(data, dtype).reshape(shape), checks the facts
listed under "expect", and writes the value back, encoded by Python with the
numpy hook, on stdout. Any failed check exits non-zero with the reason on stderr.
"""
import sys
from datetime import datetime, timezone

import msgpack
import numpy as np

DTYPES = {"bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64"}


def arrays(value):
    if isinstance(value, list):
        if (len(value) == 3 and isinstance(value[0], bytes) and value[1] in DTYPES
                and isinstance(value[2], list) and all(isinstance(n, int) for n in value[2])):
            data, dtype, shape = value
            return np.frombuffer(data, dtype).reshape(shape)
        return [arrays(v) for v in value]
    if isinstance(value, dict):
        return {k: arrays(v) for k, v in value.items()}
    return value


def enc_hook(obj):
    if isinstance(obj, np.ndarray):
        return (obj.tobytes(), str(obj.dtype), obj.shape)
    raise TypeError(f"cannot encode {type(obj)}")


def check(condition, what):
    if not condition:
        sys.stderr.write(f"python check failed: {what}\n")
        sys.exit(1)


def frame_only(value):
    """A large frame, written with its headers padded for alignment."""
    frame = value["frame"]
    check(frame.dtype == np.uint16 and frame.shape == (512, 512), f"frame dtype/shape {frame.dtype} {frame.shape}")
    check(int(frame.sum(dtype=np.int64)) == value["sum"], f"frame sum {frame.sum()}")
    check(int(frame[511, 511]) == value["last"], "frame[511, 511]")


def main():
    data = sys.stdin.buffer.read()
    value = arrays(msgpack.unpackb(data, raw=False, timestamp=3))
    if sys.argv[1:] == ["frame"]:
        frame_only(value)
        sys.stdout.buffer.write(msgpack.packb(value, default=enc_hook, use_bin_type=True))
        return
    expect = value["expect"]
    frame = value["frame"]
    check(frame.dtype == np.uint16 and frame.shape == (48, 64), f"frame dtype/shape {frame.dtype} {frame.shape}")
    check(int(frame.sum(dtype=np.int64)) == expect["frameSum"], f"frame sum {frame.sum()}")
    check(frame[1, 2] == expect["frame_1_2"], "frame[1, 2]")
    for name, array in value["arrays"].items():
        check(str(array.dtype) == name, f"dtype {array.dtype} for {name}")
        check(list(array.shape) == expect["shapes"][name], f"shape of {name}")
        check(array.reshape(-1).tolist() == expect["values"][name], f"values of {name}: {array.reshape(-1).tolist()}")
    check(value["big"] == [2**63, -(2**63), 2**53 + 1, 2**40], f"64-bit integers {value['big']}")
    check(all(type(n) is int for n in value["big"]), "64-bit integers are ints")
    check(value["when"] == datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc), f"timestamp {value['when']}")
    check(value["text"] == "héllo ✓ 🎉" and value["raw"] == b"\x00\x01\xfe\xff", "text and bytes")
    check(value["nothing"] is None and value["flags"] == [True, False] and value["half"] == 0.5, "scalars")
    sys.stdout.buffer.write(msgpack.packb(value, default=enc_hook, use_bin_type=True, datetime=True))


if __name__ == "__main__":
    main()
