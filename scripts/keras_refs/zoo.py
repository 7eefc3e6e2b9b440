"""Conformance zoo: real Keras 3 architectures with seeded weights, and their Keras outputs.

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    python3 scripts/keras_refs/zoo.py [name ...]      # default: every model

Writes test/fixtures/zoo/<name>/:
  model.json     model.to_json() (the architecture only)
  weights.json   every weight, in the order seeded: layer, name, shape, seed, offset, scale
  input.npy      batch 2 input (float32, seeded, values in [0, 1))
  output.npy     model.predict on input.npy; output_b1.npy on input[:1]
  logits.npy     (classifiers) the Dense head before its softmax, batch 2
  input_alt.npy / output_alt.npy   (U-Nets) another spatial size, batch 1
  inter/<layer>.npy   a few layers' outputs for input[:1] (first conv, middle, last), for locating
                 the first diverging layer; listed in meta.json
  meta.json      sizes, parameter count, layer classes, versions

Weights are NOT written: test/browser/zoo.ts regenerates them bit-identically (test/util/prng.ts).
Weight number k (0-based, over model.layers in order, each layer's .weights in order; the same order
as model.weights) gets seed = SEED_BASE + k and is
    value[i] = float32(offset + (2u(i, seed) - 1) * scale)      (float64 before the one cast)
with i the row-major flat index in the Keras shape, u the hash of common.py. Offsets and scales,
chosen so activations stay O(1) through 100+ layers with inference-mode BatchNorm:
  kernel / depthwise_kernel / pointwise_kernel: offset 0, scale sqrt(6 / fan_in) (He-uniform;
      sqrt(3 / fan_in) for ResNet50, sqrt(12 / fan_in) for EfficientNet's *project_conv, see
      KERNEL_GAIN;
      fan_in = kh*kw*cin for convs, kh*kw for depthwise, kh*kw*cout_of_the_transpose's input for
      Conv2DTranspose, input dim for Dense); the classifier head gets sqrt(3 / fan_in)
  bias, beta: offset 0, scale 0.05      gamma: offset 1, scale 0.1
  moving_mean / mean: offset 0, scale 0.1      moving_variance / variance: offset 1, scale 0.5
  anything else: offset 0, scale 0.05
Input: seeded_unit of the (N, H, W, C) array with INPUT_SEED (batch 2), times 255 for EfficientNet
(which rescales by 1/255 itself); alt input INPUT_SEED + 1. Inputs are committed, not regenerated.
"""
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import FIXTURES_OUT, save_json, save_npy, seeded_uint32, seeded_unit, setup_tf, versions

import numpy as np

SEED_BASE = 20000
INPUT_SEED = 11
OUT = os.path.join(FIXTURES_OUT, "zoo")
# ResNet50's 16 residual additions double the second moment each with He-uniform kernels (logits
# reached 2.5e3): LeCun-uniform (variance 1/fan_in) keeps them O(1). The name is set by run().
# EfficientNet: its squeeze-excite gate (sigmoid(~0) = 0.5) halves the signal in every block, so with
# He-uniform kernels the logits hardly depended on the input (0.0654 vs 0.0647 for the two images):
# its projection convs get gain 12 (x2), which gave input-dependent logits of O(1); x4 with gain 8.5
# elsewhere overshot to 6e7.
KERNEL_GAIN = {"resnet50": 3.0}
MODEL_NAME = ""
# Intermediates bigger than this (float32 values, batch 1) are not committed: keeps the zoo small.
MAX_INTER_VALUES = 150_000


def weight_rule(layer, wname, shape):
    """(offset, scale) of one weight: see the module docstring."""
    cls = layer.__class__.__name__
    if wname in ("kernel", "depthwise_kernel", "pointwise_kernel"):
        # Keras 3 names DepthwiseConv2D's kernel "kernel" (shape kh, kw, cin, multiplier).
        if wname == "depthwise_kernel" or cls == "DepthwiseConv2D":
            fan_in = shape[0] * shape[1]
        elif cls == "Conv2DTranspose":
            fan_in = shape[0] * shape[1] * shape[3]
        else:
            fan_in = int(np.prod(shape[:-1]))
        gain = 3.0 if layer.name == "logits" else KERNEL_GAIN.get(MODEL_NAME, 6.0)
        if MODEL_NAME.startswith("efficientnet") and layer.name.endswith("project_conv"):
            gain *= 2.0  # makes up for the squeeze-excite gate (sigmoid(~0) = 0.5) just before it
        return 0.0, math.sqrt(gain / fan_in)
    if wname in ("bias", "beta"):
        return 0.0, 0.05
    if wname == "gamma":
        return 1.0, 0.1
    if wname in ("moving_mean", "mean"):
        return 0.0, 0.1
    if wname in ("moving_variance", "variance"):
        return 1.0, 0.5
    return 0.0, 0.05


def seeded(shape, seed, offset, scale):
    count = int(np.prod(shape)) if len(shape) else 1
    u = seeded_uint32(count, seed).astype(np.float64) / 4294967296.0
    return (offset + (2.0 * u - 1.0) * scale).astype(np.float32).reshape(shape)


def seed_all(model):
    """Sets every weight from the PRNG; returns the weights.json list."""
    listing = []
    k = 0
    for layer in model.layers:
        for w in layer.weights:
            shape = tuple(int(d) for d in w.shape)
            wname = w.name.split("/")[-1]
            if w.dtype not in ("float32", "float16", "float64"):
                # e.g. Normalization's integer 'count': not used at inference, left as built.
                listing.append({"layer": layer.name, "name": wname, "shape": list(shape), "skip": True})
                k += 1
                continue
            offset, scale = weight_rule(layer, wname, shape)
            w.assign(seeded(shape, SEED_BASE + k, offset, scale))
            listing.append({"layer": layer.name, "name": wname, "shape": list(shape), "seed": SEED_BASE + k,
                            "offset": offset, "scale": scale})
            k += 1
    assert k == len(model.weights), (k, len(model.weights))
    for layer in model.layers:
        # Keras 3's Normalization computes with a snapshot of its mean/variance taken at build()
        # (refreshed by adapt() or when loading a file), not the variables: refresh it as loading
        # would, or predict() uses mean 0, variance 1 whatever the weights say.
        if hasattr(layer, "finalize_state") and layer.__class__.__name__ == "Normalization":
            layer.finalize_state()
    return listing


def classifier(keras, backbone_fn, size, name, **kw):
    """keras.applications backbone (weights=None, include_top=False, pooling='avg') + Dense(3) + softmax."""
    inp = keras.Input((size, size, 3), name="image")
    base = backbone_fn(include_top=False, weights=None, input_tensor=inp, pooling="avg", **kw)
    logits = keras.layers.Dense(3, name="logits")(base.output)
    probs = keras.layers.Activation("softmax", name="probs")(logits)
    return keras.Model(inp, probs, name=name)


def conv_bn_relu(keras, x, f, name):
    L = keras.layers
    for i in (1, 2):
        x = L.Conv2D(f, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = L.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = L.ReLU(name=f"{name}_relu{i}")(x)
    return x


def attention_gate(keras, x, g, f, name):
    """Additive attention (Oktay et al. 2018): alpha = sigmoid(psi(relu(Wx x + Wg g))); x * alpha."""
    L = keras.layers
    theta = L.Conv2D(f, 1, name=f"{name}_wx")(x)
    phi = L.Conv2D(f, 1, name=f"{name}_wg")(g)
    a = L.ReLU(name=f"{name}_relu")(L.Add(name=f"{name}_add")([theta, phi]))
    alpha = L.Conv2D(1, 1, activation="sigmoid", name=f"{name}_psi")(a)
    return L.Multiply(name=f"{name}_mul")([x, alpha])


def unet(keras, name, attention=False, filters=(8, 16, 32, 64), bottom=128):
    """2-D U-Net, any spatial size divisible by 16: Conv/BN/ReLU x2, MaxPool, Conv2DTranspose, Concatenate."""
    L = keras.layers
    inp = keras.Input((None, None, 1), name="image")
    x, skips = inp, []
    for i, f in enumerate(filters):
        x = conv_bn_relu(keras, x, f, f"enc{i}")
        skips.append(x)
        x = L.MaxPooling2D(2, name=f"pool{i}")(x)
    x = conv_bn_relu(keras, x, bottom, "bottom")
    for i, f in reversed(list(enumerate(filters))):
        up = L.Conv2DTranspose(f, 2, strides=2, name=f"up{i}")(x)
        skip = attention_gate(keras, skips[i], up, max(f // 2, 4), f"att{i}") if attention else skips[i]
        x = L.Concatenate(name=f"cat{i}")([up, skip])
        x = conv_bn_relu(keras, x, f, f"dec{i}")
    out = L.Conv2D(1, 1, activation="sigmoid", name="mask")(x)
    return keras.Model(inp, out, name=name)


def build(keras, name):
    A = keras.applications
    if name == "mobilenet_v2":
        return classifier(keras, A.MobileNetV2, 96, name, alpha=1.0), 96, 3
    if name == "resnet50":
        return classifier(keras, A.ResNet50, 96, name), 96, 3
    if name == "densenet121":
        return classifier(keras, A.DenseNet121, 96, name), 96, 3
    if name == "efficientnet_b0":
        return classifier(keras, A.EfficientNetB0, 96, name), 96, 3
    if name == "vgg16":
        return classifier(keras, A.VGG16, 64, name), 64, 3
    if name == "inception_v3":
        return classifier(keras, A.InceptionV3, 96, name), 96, 3
    if name == "unet":
        return unet(keras, name), 128, 1
    if name == "attention_unet":
        return unet(keras, name, attention=True), 128, 1
    raise SystemExit(f"unknown model {name}")


MODELS = ["mobilenet_v2", "resnet50", "densenet121", "efficientnet_b0", "vgg16", "inception_v3", "unet",
          "attention_unet"]
ALT_SIZE = 96  # the U-Nets' second spatial size


def pick_intermediates(model):
    """First conv, a layer in the middle, the last layer before the head: names of layers with one output."""
    layers = [l for l in model.layers if l.__class__.__name__ != "InputLayer"]
    convs = [l for l in layers if "Conv" in l.__class__.__name__]
    picks = [convs[0]] if convs else []
    picks.append(layers[len(layers) // 4])
    picks.append(layers[len(layers) // 2])
    picks.append(layers[(3 * len(layers)) // 4])
    tail = [l for l in layers if l.name not in ("logits", "probs", "mask")]
    picks.append(tail[-1])
    seen, out = set(), []
    for l in picks:
        if l.name not in seen:
            seen.add(l.name)
            out.append(l)
    return out


def run(name):
    global MODEL_NAME
    MODEL_NAME = name
    tf = setup_tf()
    import keras
    keras.utils.set_random_seed(0)
    t0 = time.time()
    model, size, channels = build(keras, name)
    listing = seed_all(model)
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.json"), "w") as f:
        f.write(model.to_json())
    save_json(os.path.join(out, "weights.json"), {"seed_base": SEED_BASE, "weights": listing})

    shape = (2, size, size, channels)
    x = seeded_unit(int(np.prod(shape)), INPUT_SEED).reshape(shape)
    if name.startswith("efficientnet"):
        # EfficientNet rescales by 1/255 inside the model: give it pixel-range input, or it sees ~0.
        x = (x * np.float32(255.0)).astype(np.float32)
    save_npy(os.path.join(out, "input.npy"), x)
    y = model.predict(x, batch_size=2, verbose=0)
    save_npy(os.path.join(out, "output.npy"), y)
    y1 = model.predict(x[:1], batch_size=1, verbose=0)
    save_npy(os.path.join(out, "output_b1.npy"), y1)
    meta = {"name": name, "input_shape": list(shape), "params": int(model.count_params()),
            "layers": len(model.layers),
            "layer_classes": sorted({l.__class__.__name__ for l in model.layers}),
            "output_max_abs": float(np.abs(y).max()), "versions": versions(), "intermediates": []}
    if name.startswith("inception") or name in ("mobilenet_v2", "resnet50", "densenet121", "efficientnet_b0", "vgg16"):
        sub = keras.Model(model.input, model.get_layer("logits").output)
        logits = sub.predict(x, batch_size=2, verbose=0)
        save_npy(os.path.join(out, "logits.npy"), logits)
        meta["logits_max_abs"] = float(np.abs(logits).max())
    if name.endswith("unet"):
        xs = seeded_unit(ALT_SIZE * ALT_SIZE * channels, INPUT_SEED + 1).reshape(1, ALT_SIZE, ALT_SIZE, channels)
        save_npy(os.path.join(out, "input_alt.npy"), xs)
        save_npy(os.path.join(out, "output_alt.npy"), model.predict(xs, batch_size=1, verbose=0))
    picks = pick_intermediates(model)
    probe = keras.Model(model.input, [l.output for l in picks])
    values = probe.predict(x[:1], batch_size=1, verbose=0)
    for l, v in zip(picks, values):
        entry = {"layer": l.name, "class": l.__class__.__name__, "shape": list(v.shape),
                 "max_abs": float(np.abs(v).max())}
        if v.size <= MAX_INTER_VALUES:
            save_npy(os.path.join(out, "inter", f"{l.name}.npy"), v)
            entry["file"] = f"inter/{l.name}.npy"
        meta["intermediates"].append(entry)
    meta["keras_seconds"] = round(time.time() - t0, 1)
    save_json(os.path.join(out, "meta.json"), meta)
    print(f"{name}: {meta['params']} params, {meta['layers']} layers, |out| max {meta['output_max_abs']:.3g}, "
          f"{meta.get('logits_max_abs', 0):.3g} logits, {meta['keras_seconds']} s", flush=True)
    for e in meta["intermediates"]:
        print(f"   {e['layer']} ({e['class']}) {e['shape']} max {e['max_abs']:.3g} {'file' in e}", flush=True)


if __name__ == "__main__":
    for n in sys.argv[1:] or MODELS:
        run(n)
