"""Seed network reference: a small Keras Sequential CNN with seeded pseudo-random weights.

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    python3 scripts/keras_refs/seed_network.py

Writes test/fixtures/seed/{model.json, seed.output.npy, seed.logits.npy, prng-check.json}.
The weights (96 MB) and the input are NOT written: test/util/prng.ts regenerates them bit-identically.

Architecture: Input(224,224,3) -> Conv2D(32,3,relu) -> MaxPooling2D(2) -> Conv2D(64,3,relu)
              -> MaxPooling2D(2) -> Flatten -> Dense(128,relu) -> Dense(1,sigmoid)

Weights: weight j (0 kernel, 1 bias) of the k-th layer that has weights (0-based: conv1=0, conv2=1,
dense1=2, dense2=3) = seeded_values(size, seed=1000 + 10k + j, scale), reshaped row-major to the
Keras shape (conv kernel (kh, kw, cin, cout); dense kernel (in, out)).
  kernel scale = sqrt(3 / fan_in) * GAIN  (fan_in = kh*kw*cin for conv, input dim for dense)
  bias scale   = 0.05
Input: batch 2, flat index i of the (2,224,224,3) array -> float32(u(i, seed=7)), in [0, 1).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import (FIXTURES_OUT, hash_uint32, save_json, save_npy, seeded_unit, seeded_values, setup_tf,
                    values_from_uint32, versions)

import numpy as np

GAIN = 2.0  # documented global factor on every kernel scale: with 1.0 the logits were 0.20 and 0.14 (too small)
INPUT_SEED = 7
OUT = os.path.join(FIXTURES_OUT, "seed")


def build(keras, final_activation="sigmoid"):
    return keras.Sequential([
        keras.Input(shape=(224, 224, 3), name="input"),
        keras.layers.Conv2D(32, 3, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Conv2D(64, 3, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(2, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(128, activation="relu", name="dense1"),
        keras.layers.Dense(1, activation=final_activation, name="dense2"),
    ], name="seed_network")


def seed_weights(model):
    weights = []
    k = 0
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        kshape = ws[0].shape
        fan_in = int(np.prod(kshape[:-1]))
        scales = [math.sqrt(3 / fan_in) * GAIN, 0.05]
        new = []
        for j, w in enumerate(ws):
            seed = 1000 + 10 * k + j
            new.append(seeded_values(w.size, seed, scales[j]).reshape(w.shape))
            print(f"  {layer.name} weight {j}: shape {w.shape} seed {seed} scale {scales[j]!r}")
        layer.set_weights(new)
        weights.append(new)
        k += 1
    return weights


def float64_forward(x, weights):
    """Independent numpy float64 forward pass (im2col), to show how close Keras' float32 result is."""
    def conv_valid(a, k, b):
        n, h, w, c = a.shape
        kh, kw, _, co = k.shape
        oh, ow = h - kh + 1, w - kw + 1
        cols = np.empty((n, oh, ow, kh, kw, c))
        for i in range(kh):
            for j in range(kw):
                cols[:, :, :, i, j, :] = a[:, i:i + oh, j:j + ow, :]
        return cols.reshape(n, oh, ow, -1) @ k.reshape(-1, co).astype(np.float64) + b

    def pool2(a):
        n, h, w, c = a.shape
        a = a[:, :h // 2 * 2, :w // 2 * 2]
        return a.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))

    (k1, b1), (k2, b2), (k3, b3), (k4, b4) = weights
    a = pool2(np.maximum(conv_valid(x.astype(np.float64), k1, b1), 0))
    a = pool2(np.maximum(conv_valid(a, k2, b2), 0))
    a = np.maximum(a.reshape(a.shape[0], -1) @ k3.astype(np.float64) + b3, 0)
    return a @ k4.astype(np.float64) + b4


def main():
    setup_tf()
    import keras
    model = build(keras)
    seed_weights(model)
    x = seeded_unit(2 * 224 * 224 * 3, INPUT_SEED).reshape(2, 224, 224, 3)
    out = model.predict(x, batch_size=2, verbose=0)
    lin = build(keras, final_activation="linear")
    lin.set_weights(model.get_weights())
    logits = lin.predict(x, batch_size=2, verbose=0)
    print("logits", logits.ravel(), "output", out.ravel(), "sigmoid(logits)", 1 / (1 + np.exp(-logits.ravel())))
    assert np.allclose(1 / (1 + np.exp(-logits.astype(np.float64))), out, atol=1e-6)
    assert all(0.5 <= abs(v) <= 8 for v in logits.ravel()), "logit saturated/too small: adjust GAIN"
    logits64 = float64_forward(x, [l.get_weights() for l in model.layers if l.get_weights()])
    print("float64 numpy logits", logits64.ravel(), "max abs diff to Keras", np.abs(logits64 - logits).max())
    assert np.allclose(logits64, logits, rtol=1e-4, atol=1e-5)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "model.json"), "w") as f:
        f.write(model.to_json(indent=1))
        f.write("\n")
    save_npy(os.path.join(OUT, "seed.output.npy"), out.astype(np.float32))
    save_npy(os.path.join(OUT, "seed.logits.npy"), logits.astype(np.float32))

    # Small PRNG check values for test/unit/prng.test.ts.
    checks = []
    for seed, scale, idx in [(1000, math.sqrt(3 / 27) * GAIN, [0, 1, 2, 863]),
                             (1001, 0.05, [0, 31]),
                             (1020, math.sqrt(3 / 186624) * GAIN, [0, 1, 12345, 23887871]),
                             (1031, 0.05, [0]),
                             (7, 1.0, [0, 1, 2, 301055]),
                             (123456789, 0.001, [0, 4294967295 - 3])]:
        u32 = hash_uint32(idx, seed)
        vals = values_from_uint32(u32, scale)
        assert all(vals[n] == seeded_values(i + 1, seed, scale)[i] for n, i in enumerate(idx) if i < 10**8)
        checks.append({"seed": seed, "scale": scale, "index": idx,
                       "uint32": [int(v) for v in u32], "value": [float(v) for v in vals]})
    unit = seeded_unit(301056, INPUT_SEED)
    # per-weight checksums: bitsSum is exact (catches any single-element mismatch), sum is informative
    sums = {}
    for k, (layer, ws) in enumerate(zip([l for l in model.layers if l.get_weights()], [l.get_weights() for l in model.layers if l.get_weights()])):
        for j, w in enumerate(ws):
            sums[f"{layer.name}.{j}"] = {"seed": 1000 + 10 * k + j, "shape": list(w.shape),
                                         "sum": float(w.astype(np.float64).sum()),
                                         # exact checksum: sum of the float32 bit patterns mod 2^32
                                         "bitsSum": int(w.astype(np.float32).view(np.uint32).astype(np.uint64).sum() % (1 << 32)),
                                         "sumAbs": float(np.abs(w.astype(np.float64)).sum()),
                                         "first": [float(v) for v in w.ravel()[:3]],
                                         "last": float(w.ravel()[-1])}
    save_json(os.path.join(OUT, "prng-check.json"), {
        "note": "made by scripts/keras_refs/seed_network.py; value = float32((2*u-1)*scale)",
        "gain": GAIN,
        "checks": checks,
        "input": {"seed": INPUT_SEED, "shape": [2, 224, 224, 3], "first": [float(v) for v in unit[:4]],
                  "bitsSum": int(unit.view(np.uint32).astype(np.uint64).sum() % (1 << 32)),
                  "sum": float(unit.astype(np.float64).sum())},
        "weights": sums,
        "logits": [float(v) for v in logits.ravel()],
        "logits_float64_numpy": [float(v) for v in logits64.ravel()],
        "output": [float(v) for v in out.ravel()],
        "versions": versions(),
    })


if __name__ == "__main__":
    main()
