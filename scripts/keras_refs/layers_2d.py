"""Small Keras 3 Functional models exercising the 2-D layers medical CNNs use beyond Conv2D/pooling:
depthwise/separable convolutions (MobileNetV2/EfficientNet blocks), U-Net decoder layers
(Conv2DTranspose, UpSampling2D, ZeroPadding2D, Cropping2D, skip Concatenate) and normalisation /
reshaping layers (Normalization, LayerNormalization, PReLU, Permute, Resizing), and grouped Conv2D.

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    python3 scripts/keras_refs/layers_2d.py [NAME ...]

Writes test/fixtures/keras/NAME/ in exactly the format of functional_graphs.py (model.keras, input.npy,
output.npy or output<i>.npy, layers.json, intermediates.npz; batch 2; no intermediates.npz for the
*_variants models, whose output already holds every configuration), using its make(), with weights
drawn by set_weights below: kernels U(+-sqrt(3/fan_in)), biases U(+-0.2), BatchNormalization as there,
and the weights of the layers that functional_graphs.py does not know set to values of their meaning
(Normalization mean U(+-0.5) / variance U(0.2, 2) / count 100, LayerNormalization gamma U(0.5, 1.5) /
beta U(+-0.3), PReLU alpha U(-0.5, 0.8)). The depthwise kernel's fan-in is kh*kw (one input channel).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import functional_graphs as fg
from common import setup_tf

import numpy as np


def depthwise_separable(keras):
    """15x13x5 (odd): DepthwiseConv2D same mult 2 relu6; stride-2 same without bias -> BN -> ReLU
    (foldable, MobileNetV2); stride 2 same on an EVEN size (8 -> 4, pads 0/1); dilation 2 valid; SeparableConv2D
    same + swish, (3,5) stride 2 with depth_multiplier 2 -> BN (folds into the pointwise half), dilation 2 no bias
    depth_multiplier 3; two outputs."""
    L = keras.layers
    x = keras.Input((15, 13, 5), name="input")
    a = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu6", name="dw_same_m2_relu6")(x)  # 15x13x10
    a = L.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False, name="dw_s2_same_nobias")(a)           # 8x7x10
    a = L.BatchNormalization(name="bn_dw")(a)
    a = L.ReLU(name="relu_dw")(a)
    a = L.DepthwiseConv2D(3, strides=2, padding="same", name="dw_s2_same_even")(a)                             # 4x4x10
    a = L.SeparableConv2D(7, 3, padding="same", activation="swish", name="sep_same_swish")(a)                  # 4x4x7
    b = L.SeparableConv2D(6, (3, 5), strides=2, padding="same", depth_multiplier=2, name="sep_s2_3x5_m2")(x)   # 8x7x6
    b = L.BatchNormalization(name="bn_sep")(b)
    b = L.DepthwiseConv2D(3, dilation_rate=2, padding="valid", name="dw_dil2_valid")(b)                        # 4x3x6
    c = L.SeparableConv2D(4, 3, dilation_rate=2, padding="same", use_bias=False, depth_multiplier=3,
                          name="sep_dil2_nobias_m3")(x)                                                        # 15x13x4
    c = L.GlobalAveragePooling2D(name="gap")(c)
    out0 = L.Concatenate(name="concat")([L.Flatten(name="flat_a")(a), L.Flatten(name="flat_b")(b), c])
    out1 = L.SeparableConv2D(3, 1, activation="sigmoid", name="out_map")(b)
    return keras.Model(x, [out0, out1], name="depthwise_separable"), (-1.0, 1.0)


def upsampling_transpose(keras):
    """U-Net-style decoder on 11x9x3 (odd): encoder Conv2D + MaxPooling2D(same); Conv2DTranspose stride 2 same
    (-> 12x10) cropped back with asymmetric Cropping2D to concatenate with the skip; UpSampling2D bilinear
    (TF half-pixel centres) + asymmetric ZeroPadding2D + Cropping2D; UpSampling2D nearest (2, 3);
    Conv2DTranspose 2x2 stride 2 valid + BN (folded) + ReLU, 3x3 stride 2 same with output_padding 1,
    4x4 stride 2 same, 3x3 stride 3 valid with output_padding (2, 1)."""
    L = keras.layers
    x = keras.Input((11, 9, 3), name="input")
    e1 = L.Conv2D(8, 3, padding="same", activation="relu", name="enc1")(x)                                     # 11x9x8
    p = L.MaxPooling2D(2, padding="same", name="pool")(e1)                                                     # 6x5x8
    e2 = L.Conv2D(8, 3, padding="same", activation="relu", name="enc2")(p)                                     # 6x5x8
    u = L.Conv2DTranspose(6, 3, strides=2, padding="same", name="up_t_s2_same")(e2)                            # 12x10x6
    u = L.Cropping2D(((0, 1), (1, 0)), name="crop_up")(u)                                                      # 11x9x6
    v = L.UpSampling2D(2, interpolation="bilinear", name="up_bilinear")(e2)                                    # 12x10x8
    v = L.ZeroPadding2D(((1, 0), (0, 2)), name="zpad")(v)                                                      # 13x12x8
    v = L.Cropping2D(((2, 0), (1, 2)), name="crop_v")(v)                                                       # 11x9x8
    d = L.Concatenate(name="skip_concat")([e1, u, v])                                                          # 11x9x22
    d = L.Conv2D(4, 3, padding="same", name="dec")(d)                                                          # 11x9x4
    w = L.UpSampling2D((2, 3), name="up_nearest_2x3")(e2)                                                      # 12x15x8
    w = L.Conv2DTranspose(5, 2, strides=2, padding="valid", use_bias=False, name="up_t_2x2_valid")(w)          # 24x30x5
    w = L.BatchNormalization(name="bn_t")(w)
    w = L.ReLU(name="relu_t")(w)
    w = L.GlobalMaxPooling2D(name="gmp")(w)
    t1 = L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1, activation="tanh", name="up_t_op1")(p)  # 12x10x4
    t2 = L.Conv2DTranspose(3, 4, strides=2, padding="same", name="up_t_4x4_same")(p)                           # 12x10x3
    t3 = L.Conv2DTranspose(3, 3, strides=3, padding="valid", output_padding=(2, 1), name="up_t_s3_op21")(p)    # 20x16x3
    g = L.Concatenate(name="vec")([w, L.GlobalAveragePooling2D(name="gap1")(t1), L.GlobalAveragePooling2D(name="gap2")(t2),
                                   L.Flatten(name="flat_t3")(t3)])
    return keras.Model(x, [d, g], name="upsampling_transpose"), (-1.0, 1.0)


def norm_layers(keras):
    """9x7x5 (odd): Normalization adapted-style (mean/variance/count weights) and from config (invert=True);
    LayerNormalization (default; no center/scale eps 1e-5; rms_scaling); PReLU per element and with
    shared_axes [1, 2]; Permute (2, 1, 3) and (3, 1, 2); Resizing bilinear up (13x11) and down (4x3), and nearest."""
    L = keras.layers
    x = keras.Input((9, 7, 5), name="input")
    n = L.Normalization(axis=-1, name="norm_weights")(x)
    ni = L.Normalization(axis=-1, mean=[0.1, -0.2, 0.3, 0.0, 0.5], variance=[1.5, 0.5, 2.0, 1.0, 0.25], invert=True,
                         name="norm_config_invert")(x)
    h = L.Conv2D(6, 3, padding="same", name="conv")(n)                                                         # 9x7x6
    h = L.LayerNormalization(name="ln")(h)
    h = L.PReLU(name="prelu_full")(h)
    k = L.LayerNormalization(center=False, scale=False, epsilon=1e-5, name="ln_plain")(ni)
    k = L.PReLU(shared_axes=[1, 2], name="prelu_channel")(k)
    r = L.LayerNormalization(rms_scaling=True, name="ln_rms")(x)
    pa = L.Permute((2, 1, 3), name="permute_hw")(h)                                                            # 7x9x6
    pb = L.Permute((3, 1, 2), name="permute_c_first")(k)                                                       # 5x9x7
    ra = L.Resizing(13, 11, name="resize_up_bilinear")(pa)                                                     # 13x11x6
    rb = L.Resizing(4, 3, name="resize_down_bilinear")(pb)                                                     # 4x3x7
    rc = L.Resizing(5, 10, interpolation="nearest", name="resize_nearest")(r)                                  # 5x10x5
    out = L.Concatenate(name="concat")([L.Flatten(name="fa")(ra), L.Flatten(name="fb")(rb), L.Flatten(name="fc")(rc)])
    return keras.Model(x, out, name="norm_layers"), (-1.0, 2.0)


def conv2d_grouped_variants(keras):
    """9x11x6 (odd H and W): Conv2D with groups 2, 3 and 6 (one input channel per group, but filters 2 per
    group: not a DepthwiseConv2D), 'same' and 'valid', strides 2 and (1, 2), dilation 2, an even kernel,
    1x1, no bias, activations; each Flatten-ed, all concatenated in the order of layers.json (the test
    slices the output per configuration). The engine runs every one on shaders/conv2d_grouped.wgsl,
    which no model exercised before; real Keras on TF-CPU is its oracle."""
    L = keras.layers
    x = keras.Input((9, 11, 6), name="input")
    configs = [
        dict(filters=4, kernel_size=3, groups=2, padding="same"),                                   # 9x11x4
        dict(filters=6, kernel_size=3, groups=3, padding="valid", activation="relu"),               # 7x9x6
        dict(filters=6, kernel_size=3, groups=2, strides=2, padding="same", use_bias=False),        # 5x6x6
        dict(filters=12, kernel_size=(3, 5), groups=6, strides=(1, 2), padding="same", activation="tanh"),  # 9x6x12
        dict(filters=6, kernel_size=3, groups=3, dilation_rate=2, padding="same"),                  # 9x11x6
        dict(filters=4, kernel_size=2, groups=2, padding="same", activation="elu"),                 # 9x11x4 (even k)
        dict(filters=9, kernel_size=1, groups=3, padding="valid"),                                  # 9x11x9
        dict(filters=6, kernel_size=4, groups=2, strides=2, padding="valid", use_bias=False),       # 3x4x6
    ]
    outs = []
    for i, cfg in enumerate(configs):
        c = L.Conv2D(name=f"gconv{i:02d}", **cfg)(x)
        outs.append(L.Flatten(name=f"flat_gconv{i:02d}")(c))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="conv2d_grouped_variants"), (-1.0, 1.0)


MODELS = {
    "depthwise_separable": (depthwise_separable, 201),
    "upsampling_transpose": (upsampling_transpose, 202),
    "norm_layers": (norm_layers, 203),
    "conv2d_grouped_variants": (conv2d_grouped_variants, 204),
}

_default_set_weights = fg.set_weights


def set_weights(model, rng, gain):
    """functional_graphs' rule, plus values of the right meaning for the layers it does not know."""
    import keras
    L = keras.layers
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        if isinstance(layer, L.Normalization):
            c = ws[0].shape
            new = [rng.uniform(-0.5, 0.5, c), rng.uniform(0.2, 2.0, c), np.asarray(100, dtype=ws[2].dtype)]
            layer.set_weights([np.asarray(v, dtype=w.dtype) for v, w in zip(new, ws)])
            # call() reads mean/variance tensors derived from the weights at build time (as adapt()
            # leaves them); without this the model predicts with the initial 0/1 until reloaded.
            layer.finalize_state()
        elif isinstance(layer, L.LayerNormalization):
            new = [rng.uniform(0.5, 1.5, w.shape) if j == 0 else rng.uniform(-0.3, 0.3, w.shape) for j, w in enumerate(ws)]
            layer.set_weights([np.asarray(v, dtype=np.float32) for v in new])
        elif isinstance(layer, L.PReLU):
            layer.set_weights([rng.uniform(-0.5, 0.8, ws[0].shape).astype(np.float32)])
        elif isinstance(layer, (L.DepthwiseConv2D, L.SeparableConv2D)):
            new = []
            for j, w in enumerate(ws):
                if w.ndim == 4:
                    fan_in = int(np.prod(w.shape[:2])) if j == 0 else int(np.prod(w.shape[:3]))
                    a = math.sqrt(3.0 / fan_in) * gain
                    new.append(rng.uniform(-a, a, w.shape))
                else:
                    new.append(rng.uniform(-0.2, 0.2, w.shape) * gain)
            layer.set_weights([np.asarray(v, dtype=np.float32) for v in new])
        elif isinstance(layer, L.Conv2DTranspose):
            # kernel (kh, kw, out, in): the fan-in of one output is kh*kw*in
            k = ws[0]
            a = math.sqrt(3.0 / (k.shape[0] * k.shape[1] * k.shape[3])) * gain
            new = [rng.uniform(-a, a, k.shape)] + [rng.uniform(-0.2, 0.2, w.shape) * gain for w in ws[1:]]
            layer.set_weights([np.asarray(v, dtype=np.float32) for v in new])
        else:
            _one_layer_default(layer, rng, gain)


def _one_layer_default(layer, rng, gain):
    class _Single:
        layers = [layer]
    _default_set_weights(_Single, rng, gain)


def numpy_grouped_conv2d(x, kernel, bias, cfg):
    """Keras' Conv2D with groups in float64 numpy (TF 'same': pad floor(total/2) top/left), activation included."""
    acts = {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "tanh": np.tanh,
            "elu": lambda v: np.where(v > 0, v, np.expm1(v))}
    (kh, kw), (sh, sw), (dh, dw), g = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"], cfg["groups"]
    n, h, w, c = x.shape
    f = kernel.shape[-1]

    def axis(size, k, s, d):
        span = (k - 1) * d + 1
        if cfg["padding"] == "valid":
            return (size - span) // s + 1, 0
        out = -(-size // s)
        return out, max((out - 1) * s + span - size, 0) // 2

    (oh, top), (ow, left) = axis(h, kh, sh, dh), axis(w, kw, sw, dw)
    cin, cout = c // g, f // g
    y = np.zeros((n, oh, ow, f))
    for oy in range(oh):
        for ox in range(ow):
            for ky in range(kh):
                for kx in range(kw):
                    iy, ix = oy * sh - top + ky * dh, ox * sw - left + kx * dw
                    if 0 <= iy < h and 0 <= ix < w:
                        for gi in range(g):
                            y[:, oy, ox, gi * cout:(gi + 1) * cout] += (
                                x[:, iy, ix, gi * cin:(gi + 1) * cin] @ kernel[ky, kx, :, gi * cout:(gi + 1) * cout])
    return acts[cfg["activation"]](y + bias)


def check_grouped(model, x):
    """Every grouped Conv2D's Keras output equals the float64 numpy rule above (TF-CPU's grouped conv is
    the oracle of conv2d_grouped.wgsl, so it is checked once here)."""
    import keras
    worst = 0.0
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Conv2D) or layer.get_config()["groups"] == 1:
            continue
        ws = layer.get_weights()
        bias = ws[1] if len(ws) > 1 else np.zeros(ws[0].shape[-1])
        want = numpy_grouped_conv2d(x.astype(np.float64), ws[0].astype(np.float64), bias, layer.get_config())
        got = np.asarray(keras.Model(model.inputs, layer.output).predict(x, verbose=0), dtype=np.float64)
        err = float(np.abs(got - want).max())
        worst = max(worst, err)
        assert err < 1e-5, f"{layer.name}: Keras differs from the numpy grouped conv by {err}"
    print(f"conv2d_grouped_variants: every grouped Conv2D matches float64 numpy, max |diff| {worst:.2e}")


def main():
    setup_tf()
    # make() looks set_weights up in functional_graphs at call time: give it this module's rule.
    fg.set_weights = set_weights
    only = sys.argv[1:]
    for name, (builder, seed) in MODELS.items():
        if only and name not in only:
            continue
        model, x, _ = fg.make(name, builder, seed)
        if name == "conv2d_grouped_variants":
            check_grouped(model, x)
        if name.endswith("_variants"):
            # Every configuration is already a slice of output.npy: the intermediates would only repeat it.
            os.remove(os.path.join(fg.OUT, name, "intermediates.npz"))


if __name__ == "__main__":
    main()
