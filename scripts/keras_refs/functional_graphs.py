"""Small Keras 3 Functional models with branches and merges, with seeded random weights.

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    python3 scripts/keras_refs/functional_graphs.py

For each model NAME writes test/fixtures/keras/NAME/:
    model.keras        Keras 3 native format (config.json + metadata.json + model.weights.h5 in a zip)
    input.npy          float32, batch 2, channels-last
    output.npy         model.predict(input)  (2-output models: output0.npy, output1.npy)
    layers.json        every layer: name, class, inbound layer names, output shape (batch = null)
    intermediates.npz  (uncompressed np.savez) every non-input layer's output for the same input, keyed
                       by layer name, so a test can report the first diverging layer
Weights are drawn with numpy's default_rng(per-model seed) (see set_weights); they are stored in
model.keras, so nothing needs to regenerate them.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import FIXTURES_OUT, save_json, save_npy, setup_tf, versions

import numpy as np

OUT = os.path.join(FIXTURES_OUT, "keras")

ACTIVATIONS = ["linear", "relu", "relu6", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh",
               "softmax", "softplus", "softsign", "swish", "silu"]


# ---------------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------------

def branch_merge(keras):
    """17x23x3: Rescaling, conv/BN (foldable), strided (3,5) conv without bias, max/avg pooling 'same' on
    odd sizes, Add + BN after the merge (not foldable), dilated conv, valid conv/pooling, global
    pooling, Concatenate, two outputs."""
    L = keras.layers
    x = keras.Input((17, 23, 3), name="input")
    r = L.Rescaling(scale=1 / 64, offset=-1.0, name="rescale")(x)              # [0,128) -> [-1,1)
    a = L.Conv2D(8, 3, padding="same", name="conv_a")(r)                        # 17x23x8
    a = L.BatchNormalization(name="bn_a")(a)                                     # foldable into conv_a
    a = L.ReLU(name="relu_a")(a)
    a = L.MaxPooling2D(2, padding="same", name="maxpool_same")(a)               # 9x12x8 (pads bottom/right)
    b = L.Conv2D(8, (3, 5), strides=2, padding="same", use_bias=False, name="conv_b_s2_3x5_nobias")(r)  # 9x12x8
    b = L.BatchNormalization(name="bn_b")(b)                                     # foldable (conv has no bias)
    b = L.Activation("elu", name="elu_b")(b)
    m = L.Add(name="add")([a, b])
    m = L.BatchNormalization(name="bn_after_add")(m)                             # after a merge: not foldable
    c = L.Conv2D(8, 3, dilation_rate=2, padding="same", activation="gelu", name="conv_dil2_same_gelu")(m)  # 9x12x8
    c = L.AveragePooling2D(3, strides=2, padding="same", name="avgpool_same_3s2")(c)   # 5x6x8 (odd, padded)
    d = L.Conv2D(8, (3, 5), padding="valid", activation="relu", name="conv_valid_3x5")(m)   # 7x8x8
    d = L.MaxPooling2D(2, name="maxpool_valid")(d)                               # 3x4x8
    e = L.Conv2D(6, 3, strides=2, padding="valid", activation="tanh", name="conv_s2_valid")(m)   # 4x5x6
    e = L.AveragePooling2D(2, strides=1, padding="valid", name="avgpool_valid_s1")(e)   # 3x4x6
    f = L.Conv2D(6, 3, strides=2, padding="same", activation="sigmoid", name="conv_s2_same_even")(m)  # 5x6x6
    f = L.AveragePooling2D(2, padding="same", name="avgpool_same_2")(f)         # 3x3x6 (odd rows padded)
    g1 = L.GlobalAveragePooling2D(name="gap")(c)
    g2 = L.GlobalMaxPooling2D(name="gmp")(d)
    g3 = L.GlobalAveragePooling2D(name="gap_f")(f)
    h = L.Concatenate(name="concat_pooled")([g1, g2, g3])                        # 22
    out0 = L.Dense(4, activation="softmax", name="out_softmax")(h)
    fl = L.Flatten(name="flatten")(e)                                            # 72
    out1 = L.Dense(3, activation="sigmoid", name="out_sigmoid")(fl)
    return keras.Model(x, [out0, out1], name="branch_merge"), (0.0, 128.0)


def merges_model(keras):
    """32x32x5: every merge layer (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate on the
    last axis and on axes 1 and 2), Dense on a rank-4 tensor, Reshape, Flatten, Dropout / SpatialDropout2D /
    GaussianNoise (identity at inference), two outputs (one of them spatial)."""
    L = keras.layers
    x = keras.Input((32, 32, 5), name="input")
    n = L.GaussianNoise(0.5, name="gaussian_noise")(x)
    p = L.Conv2D(6, 3, strides=2, padding="same", activation="relu", name="conv_p")(n)    # 16x16x6 (pads 0/1)
    q = L.Conv2D(6, 3, strides=2, padding="same", activation="tanh", name="conv_q")(n)    # 16x16x6
    add = L.Add(name="add")([p, q])
    sub = L.Subtract(name="subtract")([p, q])
    mul = L.Multiply(name="multiply")([p, q])
    avg = L.Average(name="average3")([p, q, add])
    mx = L.Maximum(name="maximum")([p, q])
    mn = L.Minimum(name="minimum3")([p, q, sub])
    cat = L.Concatenate(axis=-1, name="concat_channels")([add, sub, mul, avg, mx, mn])   # 16x16x36
    cat = L.Dropout(0.5, name="dropout")(cat)
    y = L.Conv2D(8, 1, name="conv_1x1")(cat)                                     # 16x16x8
    sd = L.SpatialDropout2D(0.3, name="spatial_dropout")(y)
    z = L.Conv2D(8, (1, 3), padding="same", activation="relu", name="conv_1x3")(y)      # 16x16x8
    h = L.Concatenate(axis=1, name="concat_axis1")([sd, z])                      # 32x16x8
    h = L.Concatenate(axis=2, name="concat_axis2")([h, h])                       # 32x32x8
    dn = L.Dense(5, activation="swish", name="dense_rank4")(h)                   # 32x32x5 (last axis)
    gmp = L.GlobalMaxPooling2D(name="gmp")(dn)                                   # 5
    rs = L.Reshape((16, 64, 5), name="reshape")(dn)                              # row-major reinterpretation
    ap = L.AveragePooling2D(4, name="avgpool_valid_4")(rs)                       # 4x16x5
    fl = L.Flatten(name="flatten")(ap)                                           # 320
    d1 = L.Dense(6, activation="relu", name="dense_flat")(fl)
    j = L.Concatenate(name="concat_vec")([gmp, d1])                              # 11
    out0 = L.Dense(3, activation="softmax", name="out_vec")(j)
    out1 = L.Conv2D(2, 1, activation="sigmoid", name="out_map")(mn)              # 16x16x2
    return keras.Model(x, [out0, out1], name="merges"), (-1.0, 1.0)


def activations(keras):
    """7x9x4: every activation as a fused `activation=` of Conv2D and of Dense (rank-4 input), and as an
    Activation layer, plus ReLU / LeakyReLU / ELU / Softmax layers with non-default arguments. All
    branches are concatenated on the channel axis (4 channels each, in the order of layers.json)."""
    L = keras.layers
    x = keras.Input((7, 9, 4), name="input")
    outs = []
    for act in ACTIVATIONS:
        outs.append(L.Conv2D(4, 3, padding="same", activation=act, name=f"conv_{act}")(x))
    for act in ACTIVATIONS:
        outs.append(L.Dense(4, activation=act, name=f"dense_{act}")(x))
    for act in ACTIVATIONS:
        pre = L.Conv2D(4, 3, padding="same", name=f"pre_{act}")(x)
        outs.append(L.Activation(act, name=f"act_{act}")(pre))
    layer_variants = [
        L.ReLU(name="relu_default"),
        L.ReLU(max_value=6.0, name="relu_max6"),
        L.ReLU(negative_slope=0.1, name="relu_slope0p1"),
        L.ReLU(threshold=0.5, name="relu_thr0p5"),
        L.ReLU(max_value=2.5, negative_slope=0.2, threshold=0.3, name="relu_max_slope_thr"),
        L.LeakyReLU(negative_slope=0.2, name="leaky_relu_0p2"),
        L.LeakyReLU(name="leaky_relu_default"),
        L.ELU(alpha=0.5, name="elu_alpha0p5"),
        L.ELU(name="elu_default"),
        L.Softmax(axis=-1, name="softmax_layer"),
    ]
    for lay in layer_variants:
        pre = L.Conv2D(4, 3, padding="same", name=f"pre_{lay.name}")(x)
        outs.append(lay(pre))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="activations"), (-1.0, 1.0)


def conv_pool_variants(keras):
    """13x17x5: many Conv2D / pooling parameter combinations side by side (kernel, strides, padding,
    dilation, bias), each flattened and concatenated into one vector (order as in layers.json)."""
    L = keras.layers
    x = keras.Input((13, 17, 5), name="input")
    convs = [
        dict(kernel_size=3, strides=1, padding="same"),
        dict(kernel_size=3, strides=1, padding="valid"),
        dict(kernel_size=3, strides=2, padding="same"),
        dict(kernel_size=3, strides=2, padding="valid"),
        dict(kernel_size=(3, 5), strides=1, padding="same", use_bias=False),
        dict(kernel_size=(3, 5), strides=(2, 1), padding="valid"),
        dict(kernel_size=(5, 3), strides=(1, 2), padding="same"),
        dict(kernel_size=4, strides=2, padding="same"),                   # even kernel: asymmetric 'same' pad
        dict(kernel_size=2, strides=1, padding="same", use_bias=False),
        dict(kernel_size=3, dilation_rate=2, padding="same"),
        dict(kernel_size=3, dilation_rate=2, padding="valid", use_bias=False),
        dict(kernel_size=(3, 5), dilation_rate=(2, 1), padding="same"),
        dict(kernel_size=1, strides=3, padding="valid"),
    ]
    pools = [
        ("max", dict(pool_size=2, padding="valid")),
        ("max", dict(pool_size=2, padding="same")),
        ("max", dict(pool_size=3, strides=2, padding="same")),
        ("max", dict(pool_size=(2, 3), strides=(1, 2), padding="valid")),
        ("max", dict(pool_size=3, strides=3, padding="same")),
        ("avg", dict(pool_size=2, padding="valid")),
        ("avg", dict(pool_size=2, padding="same")),
        ("avg", dict(pool_size=3, strides=2, padding="same")),
        ("avg", dict(pool_size=(2, 3), strides=(1, 2), padding="valid")),
        ("avg", dict(pool_size=3, strides=1, padding="same")),
        ("avg", dict(pool_size=3, strides=3, padding="same")),
    ]
    outs = []
    for i, cfg in enumerate(convs):
        c = L.Conv2D(3, name=f"conv{i:02d}", **cfg)(x)
        outs.append(L.Flatten(name=f"flat_conv{i:02d}")(c))
    for i, (kind, cfg) in enumerate(pools):
        P = L.MaxPooling2D if kind == "max" else L.AveragePooling2D
        p = P(name=f"{kind}pool{i:02d}", **cfg)(x)
        outs.append(L.Flatten(name=f"flat_{kind}pool{i:02d}")(p))
    outs.append(L.GlobalAveragePooling2D(name="gap")(x))
    outs.append(L.GlobalMaxPooling2D(name="gmp")(x))
    y = L.Concatenate(name="concat_all")(outs)
    return keras.Model(x, y, name="conv_pool_variants"), (-1.0, 1.0)


MODELS = {
    "branch_merge": (branch_merge, 101),
    "merges": (merges_model, 102),
    "activations": (activations, 103),
    "conv_pool_variants": (conv_pool_variants, 104),
}

# Pre-activation gain per model: the activations model uses larger kernels so that pre-activations span
# about [-9, 9] and saturating activations (relu6, hard_sigmoid, tanh, ...) are exercised on both sides.
KERNEL_GAIN = {"activations": 4.5}


# ---------------------------------------------------------------------------------------------------

def set_weights(model, rng, gain):
    import keras
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        if isinstance(layer, keras.layers.BatchNormalization):
            c = ws[0].shape[0]
            # order: gamma, beta, moving_mean, moving_variance (non-trivial stats so folding is tested)
            new = [rng.uniform(0.5, 1.5, c), rng.uniform(-0.3, 0.3, c), rng.uniform(-0.5, 0.5, c),
                   rng.uniform(0.2, 2.0, c)]
        else:
            new = []
            for j, w in enumerate(ws):
                if j == 0:
                    fan_in = int(np.prod(w.shape[:-1]))
                    a = math.sqrt(3.0 / fan_in) * gain
                    new.append(rng.uniform(-a, a, w.shape))
                else:
                    new.append(rng.uniform(-0.2, 0.2, w.shape) * gain)
        layer.set_weights([np.asarray(v, dtype=np.float32) for v in new])


def inbound_names(layer):
    try:
        node = layer._inbound_nodes[0]
        return [t._keras_history[0].name for t in node.input_tensors]
    except Exception:
        return []


def describe_layers(model):
    rows = []
    for layer in model.layers:
        out = layer.output
        shape = [None if d is None else int(d) for d in out.shape]
        rows.append({"name": layer.name, "class": layer.__class__.__name__, "inbound": inbound_names(layer),
                     "output_shape": shape})
    return rows


def nbytes_weights(model):
    return sum(w.nbytes for w in model.get_weights())


def make(name, builder, seed):
    import keras
    rng = np.random.default_rng(seed)
    model, (lo, hi) = builder(keras)
    set_weights(model, rng, KERNEL_GAIN.get(name, 1.0))
    shape = (2,) + tuple(int(d) for d in model.inputs[0].shape[1:])
    x = rng.uniform(lo, hi, shape).astype(np.float32)
    outs = model.predict(x, batch_size=2, verbose=0)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.keras")
    model.save(path)
    save_npy(os.path.join(d, "input.npy"), x)
    names = ["output.npy"] if len(outs) == 1 else [f"output{i}.npy" for i in range(len(outs))]
    for n, o in zip(names, outs):
        save_npy(os.path.join(d, n), np.asarray(o, dtype=np.float32))
    # per-layer intermediates
    layers = [l for l in model.layers if l.__class__.__name__ != "InputLayer"]
    probe = keras.Model(model.inputs, [l.output for l in layers])
    inter = probe.predict(x, batch_size=2, verbose=0)
    inter = {l.name: np.asarray(v, dtype=np.float32) for l, v in zip(layers, inter)}
    np.savez(os.path.join(d, "intermediates.npz"), **inter)
    rows = describe_layers(model)
    save_json(os.path.join(d, "layers.json"), {
        "model": name, "input_shape": list(shape), "outputs": names,
        "output_layers": [t._keras_history[0].name for t in model.outputs],
        "weights_bytes": nbytes_weights(model), "versions": versions(), "layers": rows})
    # sanity: reload the saved file and compare
    re = keras.models.load_model(path, compile=False)
    routs = re.predict(x, batch_size=2, verbose=0)
    if not isinstance(routs, (list, tuple)):
        routs = [routs]
    for o, ro in zip(outs, routs):
        assert np.array_equal(o, ro), f"{name}: reload mismatch"
    for i, (n, o) in enumerate(zip(names, outs)):
        inter_last = inter[model.outputs[i]._keras_history[0].name]
        assert np.allclose(inter_last, o, rtol=1e-6, atol=1e-6), f"{name}: intermediates != output"
        print(f"{name}: {n} shape {o.shape} range [{o.min():.4g}, {o.max():.4g}] std {o.std():.4g}")
    print(f"{name}: weights {nbytes_weights(model)} B, .keras {os.path.getsize(path)} B, "
          f"intermediates {os.path.getsize(os.path.join(d, 'intermediates.npz'))} B, {len(rows)} layers")
    return model, x, inter


def main():
    setup_tf()
    only = sys.argv[1:]
    for name, (builder, seed) in MODELS.items():
        if only and name not in only:
            continue
        model, x, inter = make(name, builder, seed)
        if name == "activations":
            for k, v in inter.items():
                if k.startswith("pre_"):
                    print(f"  {k}: pre-activation range [{v.min():.3g}, {v.max():.3g}]")
                    break


if __name__ == "__main__":
    main()
