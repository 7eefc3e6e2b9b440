"""Shared helpers for the Keras reference scripts (scripts/keras_refs/*.py).

Not a script itself. Imported by seed_network.py, functional_graphs.py, real_images.py.

The PRNG here has a bit-identical TypeScript twin in test/util/prng.ts: keep them in sync.
"""
import json
import os

# Deterministic, single-threaded-ish TF CPU. oneDNN is switched off so results do not depend on the
# oneDNN kernel selection of the machine (the references were made with TF_ENABLE_ONEDNN_OPTS=0).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES_OUT = os.path.join(REPO, "test", "fixtures")
SHARED = os.environ.get("MEDIMG_SHARED_FIXTURES",
                        os.path.abspath(os.path.join(REPO, "..", "shared", "fixtures")))

M32 = np.uint64(0xFFFFFFFF)


def seeded_uint32(count, seed, start=0):
    """The hash x(i, seed) for i = start .. start+count-1, as uint32."""
    return hash_uint32(np.arange(start, start + count, dtype=np.uint64), seed)


def hash_uint32(i, seed):
    """The hash x(i, seed) for an array of indices i (computed in uint64 and masked to 32 bits,
    which equals uint32 arithmetic with wraparound)."""
    i = np.asarray(i, dtype=np.uint64) & M32
    x = (i * np.uint64(0x9E3779B1) + np.uint64(seed) * np.uint64(0x85EBCA77)) & M32
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & M32
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & M32
    x ^= x >> np.uint64(16)
    return x.astype(np.uint32)


def seeded_values(count, seed, scale):
    """value(i, seed) = float32((2u - 1) * scale), u = x / 2^32, all in float64 before the cast."""
    return values_from_uint32(seeded_uint32(count, seed), scale)


def values_from_uint32(x, scale):
    u = np.asarray(x).astype(np.float64) / 4294967296.0
    return ((2.0 * u - 1.0) * float(scale)).astype(np.float32)


def seeded_unit(count, seed):
    """(value(i, seed, scale=1) + 1) / 2 in float64 == u exactly; cast to float32. Values in [0, 1)."""
    u = seeded_uint32(count, seed).astype(np.float64) / 4294967296.0
    return ((((2.0 * u - 1.0) * 1.0) + 1.0) / 2.0).astype(np.float32)


def save_npy(path, arr):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(arr))


def save_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def versions():
    import keras
    import tensorflow as tf
    return {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__,
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}


def setup_tf():
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return tf
