"""Small Keras 3 Functional models that give the 3-D kernels an oracle other than our own CPU
references: Conv3DTranspose (shaders/conv3d_transpose.wgsl), MaxPooling3D / AveragePooling3D
(shaders/pool3d.wgsl) and strided / 'valid' / dilated Conv3D (shaders/conv3d.wgsl).

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    python3 scripts/keras_refs/layers_3d.py [NAME ...]

Writes test/fixtures/keras/NAME/ in the format of functional_graphs.py (model.keras, input.npy, output.npy,
layers.json; batch 2), using its make(), but WITHOUT intermediates.npz: every layer worth comparing is
already a slice of output.npy, so that file would only repeat it (and triple the fixture). Each model puts many
configurations of ONE layer class side by side on the same input, each Flatten-ed and all concatenated
in the order of layers.json, so a test can slice the output per configuration (the concat layer's
inbound list gives the order, each inbound's output shape its length).

Volumes are tiny and odd-sized (and one axis even where a stride-2 'same' pad is asymmetric) so every
edge window, clipped pooling window and partial transposed-conv tap is exercised while the files stay
small. Weights: numpy default_rng(seed) with functional_graphs' rule (kernels U(+-sqrt(3/fan_in)),
biases U(+-0.2)); for Conv3DTranspose the kernel is (kd, kh, kw, out, in), so its fan-in is
kd*kh*kw*in, not the product of all but the last axis.

Keras/TF semantics these fixtures pin down (checked against numpy in check_pooling below):
  * 'same' pads floor(total/2) in front/top/left and the rest behind/bottom/right;
  * AveragePooling3D 'same' divides by the number of REAL cells in the window (padding excluded);
  * Conv3DTranspose's output size is Keras' deconv_output_length (output_padding included).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import functional_graphs as fg
from common import setup_tf

import numpy as np


def conv3d_transpose_variants(keras):
    """3x5x4x2 input (odd D and H, even W): Conv3DTranspose with strides 1, 2, 3 and mixed, 'same'
    and 'valid', output_padding, kernel = stride, even kernel, with and without bias, fused activations."""
    L = keras.layers
    x = keras.Input((3, 5, 4, 2), name="input")
    configs = [
        dict(kernel_size=3, strides=1, padding="same", activation="relu"),                     # 3x5x4
        dict(kernel_size=3, strides=1, padding="valid"),                                       # 5x7x6
        dict(kernel_size=3, strides=2, padding="same", activation="tanh"),                     # 6x10x8
        dict(kernel_size=3, strides=2, padding="valid", activation="elu"),                     # 7x11x9
        dict(kernel_size=2, strides=2, padding="valid", use_bias=False),                       # 6x10x8 (k = s)
        dict(kernel_size=4, strides=2, padding="same"),                                        # 6x10x8 (even k)
        dict(kernel_size=3, strides=2, padding="same", output_padding=1, activation="sigmoid"),  # 7x11x9
        dict(kernel_size=(3, 2, 3), strides=(2, 1, 3), padding="valid", output_padding=(1, 0, 2)),  # 8x6x14
        dict(kernel_size=(2, 3, 1), strides=(1, 2, 3), padding="same", use_bias=False, activation="relu"),  # 3x10x12
    ]
    outs = []
    for i, cfg in enumerate(configs):
        t = L.Conv3DTranspose(2, name=f"convt{i:02d}", **cfg)(x)
        outs.append(L.Flatten(name=f"flat_convt{i:02d}")(t))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="conv3d_transpose_variants"), (-1.0, 1.0)


def pool3d_variants(keras):
    """5x7x6x2 input: MaxPooling3D and AveragePooling3D, each with 'same' and 'valid' padding, strides
    different from the pool size (overlapping and skipping windows), anisotropic pools, and windows
    clipped at odd edges (where Keras' 'same' average divides by fewer than pool_size cells)."""
    L = keras.layers
    x = keras.Input((5, 7, 6, 2), name="input")
    configs = [
        dict(pool_size=2, padding="valid"),                                   # 2x3x3 (strides = pool)
        dict(pool_size=2, padding="same"),                                    # 3x4x3 (odd edges clipped)
        dict(pool_size=3, strides=2, padding="same"),                         # 3x4x3 (overlapping)
        dict(pool_size=3, strides=2, padding="valid"),                        # 2x3x2
        dict(pool_size=2, strides=1, padding="same"),                         # 5x7x6 (pad only behind)
        dict(pool_size=(3, 2, 3), strides=(1, 3, 2), padding="same"),         # 5x3x3
        dict(pool_size=(2, 3, 2), strides=(3, 1, 2), padding="valid"),        # 2x5x3 (stride > pool on D)
        dict(pool_size=3, strides=3, padding="same"),                         # 2x3x2
    ]
    outs = []
    for kind, P in (("max", L.MaxPooling3D), ("avg", L.AveragePooling3D)):
        for i, cfg in enumerate(configs):
            p = P(name=f"{kind}pool{i:02d}", **cfg)(x)
            outs.append(L.Flatten(name=f"flat_{kind}pool{i:02d}")(p))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="pool3d_variants"), (-1.0, 1.0)


def conv3d_variants(keras):
    """5x7x6x3 input: Conv3D strided ('same' on an even axis: asymmetric pad), 'valid', mixed strides,
    dilated ('same' and 'valid', per-axis rates), even kernels, 1x1x1 with stride 3, no bias, activations.
    (TF refuses strides > 1 together with dilation > 1, so no configuration combines them.)"""
    L = keras.layers
    x = keras.Input((5, 7, 6, 3), name="input")
    configs = [
        dict(kernel_size=3, strides=2, padding="same"),                                        # 3x4x3
        dict(kernel_size=3, strides=2, padding="valid", activation="relu"),                    # 2x3x2
        dict(kernel_size=3, strides=1, padding="valid", activation="tanh"),                    # 3x5x4
        dict(kernel_size=(3, 2, 3), strides=(1, 2, 3), padding="same", use_bias=False),        # 5x4x2
        dict(kernel_size=(2, 3, 3), strides=(2, 1, 2), padding="valid", activation="elu"),     # 2x5x2
        dict(kernel_size=4, strides=2, padding="same"),                                        # 3x4x3 (even k)
        dict(kernel_size=3, dilation_rate=2, padding="same"),                                  # 5x7x6
        dict(kernel_size=3, dilation_rate=(2, 1, 2), padding="valid", activation="sigmoid"),   # 1x5x2
        dict(kernel_size=2, dilation_rate=(1, 3, 2), padding="same", use_bias=False),          # 5x7x6 (even k)
        dict(kernel_size=1, strides=3, padding="valid"),                                       # 2x3x2
    ]
    outs = []
    for i, cfg in enumerate(configs):
        c = L.Conv3D(2, name=f"conv{i:02d}", **cfg)(x)
        outs.append(L.Flatten(name=f"flat_conv{i:02d}")(c))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="conv3d_variants"), (-1.0, 1.0)


MODELS = {
    "conv3d_transpose_variants": (conv3d_transpose_variants, 301),
    "pool3d_variants": (pool3d_variants, 302),
    "conv3d_variants": (conv3d_variants, 303),
}

_default_set_weights = fg.set_weights


def set_weights(model, rng, gain):
    """functional_graphs' rule, with the fan-in of a transposed kernel (kd, kh, kw, out, in) = kd*kh*kw*in."""
    import keras
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        if isinstance(layer, keras.layers.Conv3DTranspose):
            k = ws[0]
            a = math.sqrt(3.0 / (k.shape[0] * k.shape[1] * k.shape[2] * k.shape[4])) * gain
            new = [rng.uniform(-a, a, k.shape)] + [rng.uniform(-0.2, 0.2, w.shape) * gain for w in ws[1:]]
            layer.set_weights([np.asarray(v, dtype=np.float32) for v in new])
        else:
            class _Single:
                layers = [layer]
            _default_set_weights(_Single, rng, gain)


def _same_pad(size, pool, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + pool - size, 0)
    return out, total // 2


def numpy_pool3d(x, kind, pool_size, strides=None, padding="valid"):
    """TF's 3-D pooling in numpy: windows clipped to the input, 'same' average over the real cells only."""
    pool = (pool_size,) * 3 if isinstance(pool_size, int) else tuple(pool_size)
    strides = pool if strides is None else ((strides,) * 3 if isinstance(strides, int) else tuple(strides))
    n, *size, c = x.shape
    outs, pads = [], []
    for s, p, st in zip(size, pool, strides):
        if padding == "same":
            o, front = _same_pad(s, p, st)
        else:
            o, front = (s - p) // st + 1, 0
        outs.append(o)
        pads.append(front)
    y = np.zeros((n, *outs, c), dtype=np.float64)
    for oz in range(outs[0]):
        for oy in range(outs[1]):
            for ox in range(outs[2]):
                lo = [o * st - f for o, st, f in zip((oz, oy, ox), strides, pads)]
                sl = tuple(slice(max(l, 0), min(l + p, s)) for l, p, s in zip(lo, pool, size))
                win = x[:, sl[0], sl[1], sl[2], :].astype(np.float64)
                y[:, oz, oy, ox, :] = win.max(axis=(1, 2, 3)) if kind == "max" else win.mean(axis=(1, 2, 3))
    return y


def check_pooling(model, x):
    """Every pooling layer's Keras output equals the numpy rule above (so the fixture pins TF's rule,
    in particular the 'same' average that excludes padding)."""
    import keras
    worst = 0.0
    for layer in model.layers:
        if not isinstance(layer, (keras.layers.MaxPooling3D, keras.layers.AveragePooling3D)):
            continue
        kind = "max" if isinstance(layer, keras.layers.MaxPooling3D) else "avg"
        cfg = layer.get_config()
        want = numpy_pool3d(x, kind, cfg["pool_size"], cfg["strides"], cfg["padding"])
        got = np.asarray(keras.Model(model.inputs, layer.output).predict(x, verbose=0), dtype=np.float64)
        assert got.shape == want.shape, f"{layer.name}: shape {got.shape} != numpy {want.shape}"
        err = float(np.abs(got - want).max())
        worst = max(worst, err)
        assert err < 1e-6, f"{layer.name}: Keras differs from the numpy pooling rule by {err}"
    print(f"pool3d_variants: every pooling layer matches the numpy rule, max |diff| {worst:.2e}")


def main():
    setup_tf()
    # make() looks set_weights up in functional_graphs at call time: give it this module's rule.
    fg.set_weights = set_weights
    only = sys.argv[1:]
    for name, (builder, seed) in MODELS.items():
        if only and name not in only:
            continue
        model, x, _ = fg.make(name, builder, seed)
        os.remove(os.path.join(fg.OUT, name, "intermediates.npz"))  # redundant here: see the docstring
        if name == "pool3d_variants":
            check_pooling(model, x)


if __name__ == "__main__":
    main()
