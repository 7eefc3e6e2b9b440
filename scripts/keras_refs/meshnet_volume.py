"""Whole-volume reference for `npm run validate:meshnet`: a MeshNet TF.js layers model run by real
Keras 3 (TensorFlow CPU) on the full 256³ T1 volume, saved as argmax labels.

Keras 3 cannot read TF.js bundles, so the model is rebuilt from model.json's Keras 2.6 topology
(InputLayer → Conv3D / Activation chain, fully convolutional, so the input is declared
[None, None, None, 1]) and its weights are set from the shard in weightsManifest order. Before the
long run the rebuilt model is checked against the fixture's own 32³ reference (ref/*.output.npy).

Volume: ../shared/fixtures/volumes/t1_crop.nii.gz (uint8, 256³), read by the fixtures' minimal
reader (tools/nii_read.py) as a[x, y, z] (NIfTI order, no transpose) and min–max scaled to [0, 1]
in float32, fed as [1, X, Y, Z, 1] — the same convention as the fixture's 32³ crops (the crop at
(112, 112, 112) equals them exactly).

Output: test/fixtures/meshnet/<model>.t1_crop.labels.npy.gz, uint8 [256, 256, 256] labels in the
same [x, y, z] order, gzip-compressed (a few hundred KB). Run (minutes on CPU):
    python3 scripts/keras_refs/meshnet_volume.py [model11_gw_ae]
"""
import gzip
import io
import json
import os
import sys
import time

from common import FIXTURES_OUT, SHARED  # sets the TF environment before TF is imported

import numpy as np
import keras

sys.path.insert(0, os.path.join(SHARED, "tools"))
from nii_read import read_nii  # noqa: E402


def rebuild(model_dir):
    """Keras 3 model from a TF.js layers model.json (Conv3D/Activation chains) plus its weights."""
    mj = json.load(open(os.path.join(model_dir, "model.json")))
    layers = mj["modelTopology"]["model_config"]["config"]["layers"]
    x = inputs = keras.Input(shape=(None, None, None, 1), name="input")
    for layer in layers[1:]:
        cls, c = layer["class_name"], dict(layer["config"])
        if cls == "Conv3D":
            assert c.get("data_format", "channels_last") == "channels_last"
            x = keras.layers.Conv3D(c["filters"], c["kernel_size"], strides=c["strides"], padding=c["padding"],
                                    dilation_rate=c["dilation_rate"], activation=c["activation"],
                                    use_bias=c["use_bias"], name=c["name"])(x)
        elif cls == "Activation":
            x = keras.layers.Activation(c["activation"], name=c["name"])(x)
        else:
            raise SystemExit(f"unexpected layer class {cls} in {model_dir}")
    model = keras.Model(inputs, x)

    # Weights: the manifest lists "<layer>/kernel", "<layer>/bias" in shard order, float32.
    offset = 0
    by_layer = {}
    for group in mj["weightsManifest"]:
        blob = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            assert w["dtype"] == "float32" and "quantization" not in w, w
            n = int(np.prod(w["shape"]))
            arr = np.frombuffer(blob, np.float32, n, offset).reshape(w["shape"])
            offset += 4 * n
            layer, name = w["name"].rsplit("/", 1)
            by_layer.setdefault(layer, {})[name] = arr
    for layer in model.layers:
        if layer.weights:
            w = by_layer[layer.name]
            layer.set_weights([w["kernel"], w["bias"]] if "bias" in w else [w["kernel"]])
    return model


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "model11_gw_ae"
    model_dir = os.path.join(SHARED, "models", f"meshnet-{name}-tfjs")
    model = rebuild(model_dir)

    cube = np.load(os.path.join(model_dir, "ref", f"{name}.t1cube32.input.npy"))
    want = np.load(os.path.join(model_dir, "ref", f"{name}.t1cube32.output.npy"))
    got = model.predict(cube, verbose=0)
    err = float(np.abs(got - want).max())
    print(f"{name}: rebuilt model vs fixture 32³ reference: max |error| {err:.2e}")
    assert err < 1e-3, "the rebuilt model does not reproduce the fixture reference"

    a, header = read_nii(os.path.join(SHARED, "volumes", "t1_crop.nii.gz"))
    v = a.astype(np.float32)
    v = (v - v.min()) / (v.max() - v.min())
    assert np.array_equal(v[112:144, 112:144, 112:144], cube[0, ..., 0]), "volume convention differs from the 32³ crops"
    t0 = time.time()
    logits = model.predict(v[None, ..., None], batch_size=1, verbose=0)[0]
    labels = np.argmax(logits, axis=-1).astype(np.uint8)
    print(f"{name}: 256³ volume in {time.time() - t0:.0f} s, label counts {np.bincount(labels.ravel()).tolist()}")
    # Margin between the two largest logits: voxels near a tie may legitimately flip in f32.
    top2 = np.sort(logits, axis=-1)[..., -2:]
    margin = top2[..., 1] - top2[..., 0]
    print(f"{name}: voxels with top-2 margin < 1e-4: {int((margin < 1e-4).sum())}, < 1e-3: {int((margin < 1e-3).sum())}")

    out_dir = os.path.join(FIXTURES_OUT, "meshnet")
    os.makedirs(out_dir, exist_ok=True)
    buf = io.BytesIO()
    np.save(buf, labels)
    path = os.path.join(out_dir, f"{name}.t1_crop.labels.npy.gz")
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(buf.getvalue())
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
