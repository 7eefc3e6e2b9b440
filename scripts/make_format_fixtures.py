"""Builds the small Keras models that test the model readers in src/formats/, in every format.

Regenerate (needs real Keras 3 + TensorFlow; CI does not, it reads the committed output):

    python3 scripts/make_format_fixtures.py

Output: test/fixtures/formats/<model>/
    model.keras                 Keras 3 zip (config.json + model.weights.h5 + metadata.json)
    model.h5                    Keras 3 "legacy" full-model h5 (model.save('x.h5'))
    weights.h5 + arch.json      Keras-2-style weights-only h5 + model.to_json()
    model.weights.h5            Keras 3 model.save_weights() (the .keras weights layout) for arch.json
    tfjs-f32/model.json + 2 shards      TF.js layers format, float32, Keras-2-style config
    tfjs-u8/model.json + shards         uint8 affine-quantized weights, model-name-prefixed names
    tfjs-f16/model.json + shards        float16-quantized weights
    expected.json               layer list (class, inbound) and every weight in Keras order
functional/tf-keras-2.15-layout.keras: the .keras weights layout of tf.keras 2.13-2.15 (see below).
functional/bad-extra-vars.keras: a weight group no layer claims (must be refused).
sequential/bad-int-kernel-weights.h5: weights.h5 with one kernel stored as int32 (must be refused).
Also test/fixtures/formats/npy/: small .npy files (several dtypes, v2 header, big-endian, Fortran
order) written by numpy itself, for src/formats/npy.ts.

Weights are set to small deterministic values (not Keras' random init) so files are reproducible
and the expected values are exact. The TF.js model.json is written here, not by tensorflowjs
(not installable offline): it follows the converter's layout (modelTopology with model_config,
weightsManifest groups of shards, "layer/weight" names) and uses the Keras 2 config dialect,
because every real TF.js layers model in the wild was converted from Keras 2.
"""
import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "formats")


def build_sequential():
    return keras.Sequential(
        [
            keras.Input((6, 6, 2), name="seq_in"),
            layers.Conv2D(3, 3, padding="same", activation="relu", name="c1"),
            layers.BatchNormalization(name="bn"),
            layers.MaxPooling2D(name="pool"),
            layers.Conv2D(2, 1, use_bias=False, name="c2"),
            layers.Flatten(name="flat"),
            layers.Dropout(0.25, name="drop"),
            layers.Dense(4, activation="relu", name="d1"),
            layers.Dense(2, activation="softmax", name="d2"),
        ],
        name="tiny_seq",
    )


def build_functional():
    """Two inputs, a branch + Add merge, a shared layer called twice, a Concatenate."""
    img = keras.Input((5, 5, 2), name="img")
    meta = keras.Input((3,), name="meta")
    a = layers.Conv2D(3, 3, padding="same", activation="relu", name="conv_a")(img)
    b = layers.Conv2D(3, 1, name="conv_b")(img)
    s = layers.Add(name="add")([a, b])
    s = layers.DepthwiseConv2D(3, padding="same", name="dw")(s)
    shared = layers.Conv2D(3, 1, activation="tanh", name="shared")
    u = shared(s)
    v = shared(a)  # second call: node index 1
    m = layers.Multiply(name="mul")([u, v])
    g = layers.GlobalAveragePooling2D(name="gap")(m)
    md = layers.Dense(2, name="meta_dense")(meta)
    cat = layers.Concatenate(name="cat")([g, md])
    out = layers.Dense(2, activation="sigmoid", name="out")(cat)
    return keras.Model([img, meta], out, name="tiny_func")


def build_nested():
    """A Functional 'backbone' and a Sequential 'head' used as layers of an outer model."""
    bin_ = keras.Input((4, 4, 1), name="bb_in")
    x = layers.Conv2D(2, 3, padding="same", name="bb_conv")(bin_)
    x = layers.BatchNormalization(name="bb_bn")(x)
    x = layers.ReLU(name="bb_relu")(x)
    backbone = keras.Model(bin_, x, name="backbone")
    head = keras.Sequential(
        [keras.Input((2,), name="head_in"), layers.Dense(3, activation="relu", name="h1"), layers.Dense(1, name="h2")],
        name="head",
    )
    inp = keras.Input((4, 4, 1), name="outer_in")
    f = backbone(inp)
    f = layers.Conv2D(2, 1, name="conv_after")(f)
    f = layers.GlobalAveragePooling2D(name="gap")(f)
    out = head(f)
    return keras.Model(inp, out, name="tiny_nested")


def set_deterministic_weights(model, seed):
    """Every weight gets distinct, exactly representable-ish values; BN variance stays positive."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        vals = rng.uniform(-1, 1, size=w.shape).astype(np.float32)
        if "variance" in w.name:
            vals = np.abs(vals) + 0.5
        w.assign(vals)


def flat_layers(model):
    """(layer, weights) for every leaf layer, recursing into nested models."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.extend(flat_layers(layer))
        else:
            out.append(layer)
    return out


def expected_json(model):
    cfg = model.get_config()
    entries = []
    for layer in flat_layers(model):
        entries.append(
            {
                "name": layer.name,
                "className": layer.__class__.__name__,
                "weights": [
                    {"name": w.name, "shape": list(w.shape), "values": np.asarray(w.numpy()).ravel().tolist()}
                    for w in layer.weights
                ],
            }
        )
    return {
        "name": model.name,
        "className": model.__class__.__name__,
        "kerasVersion": keras.__version__,
        "topLevelLayers": [l.name for l in model.layers],
        "inputShapes": [list(t.shape) for t in model.inputs],
        "layers": entries,
        "config": cfg,
    }


# ---- Keras 3 config -> Keras 2 dialect (what the TF.js converter saw) ----


def to_keras2_layer_config(cfg):
    cfg = dict(cfg)
    if isinstance(cfg.get("dtype"), dict):
        cfg["dtype"] = cfg["dtype"]["config"]["name"]
    if "batch_shape" in cfg:
        cfg["batch_input_shape"] = cfg.pop("batch_shape")
    cfg.pop("optional", None)
    cfg.pop("quantization_config", None)
    return cfg


def keras3_node_to_keras2(node):
    args = node["args"]
    tensors = args[0] if isinstance(args[0], list) else [args[0]]
    return [[t["config"]["keras_history"][0], t["config"]["keras_history"][1], t["config"]["keras_history"][2], {}] for t in tensors]


def to_keras2_model_config(model_cfg, class_name):
    layers_out = []
    for l in model_cfg["layers"]:
        entry = {"class_name": l["class_name"], "config": to_keras2_layer_config(l["config"])}
        if class_name == "Functional":
            entry["name"] = l["name"]
            entry["inbound_nodes"] = [keras3_node_to_keras2(n) for n in l["inbound_nodes"]]
        layers_out.append(entry)
    out = {"name": model_cfg["name"], "layers": layers_out}
    if class_name == "Functional":
        for key in ("input_layers", "output_layers"):
            v = model_cfg[key]
            out[key] = [v] if isinstance(v[0], str) else v
    return out


def write_tfjs(model, outdir, variant):
    """TF.js layers model: Keras-2-style topology + weightsManifest with 2 shards in one group."""
    os.makedirs(outdir, exist_ok=True)
    cls = model.__class__.__name__
    topo_cfg = to_keras2_model_config(model.get_config(), cls)
    entries, blobs = [], []
    for layer in model.layers:
        for w in layer.weights:
            arr = np.asarray(w.numpy(), dtype=np.float32)
            name = f"{layer.name}/{w.name}"
            if variant == "u8":
                name = f"{model.name}/{name}"  # some converters prefix the model name
                lo, hi = float(arr.min()), float(arr.max())
                scale = (hi - lo) / 255.0 if hi > lo else 1.0
                q = np.round((arr - lo) / scale).astype(np.uint8)
                entries.append(
                    {"name": name, "shape": list(arr.shape), "dtype": "float32",
                     "quantization": {"dtype": "uint8", "scale": scale, "min": lo}}
                )
                blobs.append(q.tobytes())
            elif variant == "f16":
                entries.append(
                    {"name": name, "shape": list(arr.shape), "dtype": "float32", "quantization": {"dtype": "float16"}}
                )
                blobs.append(arr.astype("<f2").tobytes())
            else:
                entries.append({"name": name, "shape": list(arr.shape), "dtype": "float32"})
                blobs.append(arr.astype("<f4").tobytes())
    data = b"".join(blobs)
    cut = (len(data) // 2) // 4 * 4 or len(data)  # shard boundary inside a weight, as the converter does
    shards = [data[:cut], data[cut:]]
    paths = []
    for i, s in enumerate(shards):
        p = f"group1-shard{i + 1}of{len(shards)}.bin"
        with open(os.path.join(outdir, p), "wb") as f:
            f.write(s)
        paths.append(p)
    keras2 = {"class_name": cls, "config": topo_cfg}
    if variant == "u8":  # the other wrapping seen in the wild: topology is the model config itself
        topology = {**keras2, "keras_version": "2.15.0", "backend": "tensorflow"}
    else:
        topology = {"keras_version": "2.15.0", "backend": "tensorflow", "model_config": keras2}
    doc = {
        "format": "layers-model",
        "generatedBy": "keras v2.15.0",
        "convertedBy": "make_format_fixtures.py",
        "modelTopology": topology,
        "weightsManifest": [{"paths": paths, "weights": entries}],
    }
    with open(os.path.join(outdir, "model.json"), "w") as f:
        json.dump(doc, f)


def save_all(model, name, tfjs=True):
    outdir = os.path.join(ROOT, name)
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    model.save(os.path.join(outdir, "model.keras"))
    model.save(os.path.join(outdir, "model.h5"))
    with h5py.File(os.path.join(outdir, "weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    with open(os.path.join(outdir, "arch.json"), "w") as f:
        f.write(model.to_json())
    model.save_weights(os.path.join(outdir, "model.weights.h5"))  # Keras 3 layout, no config
    if tfjs:
        for variant in ("f32", "u8", "f16"):
            write_tfjs(model, os.path.join(outdir, f"tfjs-{variant}"), variant)
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(expected_json(model), f)


def write_npy_fixtures():
    """Small .npy files in the dtypes/versions parseNpy must accept (or refuse), + expected values."""
    outdir = os.path.join(ROOT, "npy")
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    base = np.array([[0.5, -1.25, 3.0], [100.0, -0.0, 7.75]], dtype=np.float64)
    arrays = {
        "f4": base.astype("<f4"),
        "f8": base.astype("<f8"),
        "f2": base.astype("<f2"),
        "i4": base.astype("<i4"),
        "u1": np.abs(base).astype("|u1"),
        "scalar_f4": np.array(2.5, dtype="<f4"),
        "vec_f4": np.arange(5, dtype="<f4"),
        "big_endian": base.astype(">f4"),
        "fortran": np.asfortranarray(base.astype("<f4")),
    }
    expected = {}
    for name, arr in arrays.items():
        np.save(os.path.join(outdir, name + ".npy"), arr)
        expected[name] = {"shape": list(arr.shape), "values": np.asarray(arr, dtype=np.float64).ravel(order="C").tolist()}
    # Version 2.0 header (numpy writes it for headers > 64 KiB; force it here).
    with open(os.path.join(outdir, "v2_f4.npy"), "wb") as f:
        np.lib.format.write_array(f, arrays["f4"], version=(2, 0))
    expected["v2_f4"] = expected["f4"]
    with open(os.path.join(outdir, "v3_f4.npy"), "wb") as f:  # 3.0: utf-8 header
        np.lib.format.write_array(f, arrays["f4"], version=(3, 0))
    expected["v3_f4"] = expected["f4"]
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(expected, f)


def write_bad_h5():
    """sequential/weights.h5 with c1's kernel stored as int32: readers must refuse, not convert."""
    src = os.path.join(ROOT, "sequential", "weights.h5")
    dst = os.path.join(ROOT, "sequential", "bad-int-kernel-weights.h5")
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        name = [n.decode() if isinstance(n, bytes) else n for n in f["c1"].attrs["weight_names"]][0]
        data = f["c1"][name][()]
        del f["c1"][name]
        f["c1"].create_dataset(name, data=(data * 100).astype("<i4"))


def snake(name):
    from keras.src.utils.naming import to_snake_case

    return to_snake_case(name)


def write_tf_keras_2_layout(model, name):
    """The functional model's .keras rewritten in the tf.keras 2.13-2.15 weights layout.

    tf.keras 2.13-2.15 also wrote .keras zips, walking dir(model) alphabetically: the first
    container of layers is `_layer_checkpoint_dependencies`, an ordered dict that lists each layer
    with weights twice ('layer_with_weights-k' then 'layer-i'); names are snake_case(class) with a
    per-class counter that the skipped duplicate also bumps. Real tf.keras 2 is not installable
    here, so this file is built from that rule (read from tf.keras' saving_lib source).
    """
    import io
    import zipfile

    src = os.path.join(ROOT, name, "model.keras")
    zin = zipfile.ZipFile(src)
    old = h5py.File(io.BytesIO(zin.read("model.weights.h5")), "r")
    buf = io.BytesIO()
    new = h5py.File(buf, "w")
    used, used3 = {}, {}

    def unique(d, cls):
        n = snake(cls)
        if n in d:
            d[n] += 1
            return f"{n}_{d[n]}"
        d[n] = 0
        return n

    for layer in model.layers:
        k3 = unique(used3, layer.__class__.__name__)
        path = "_layer_checkpoint_dependencies/" + unique(used, layer.__class__.__name__)
        if layer.weights:
            unique(used, layer.__class__.__name__)  # the skipped 'layer-i' duplicate
        g = new.create_group(path + "/vars")
        for key, ds in old[f"layers/{k3}/vars"].items():
            g.create_dataset(key, data=ds[()])
    new.create_group("vars")
    new.close()
    out = os.path.join(ROOT, name, "tf-keras-2.15-layout.keras")
    with zipfile.ZipFile(out, "w") as zout:
        meta = json.loads(zin.read("metadata.json"))
        meta["keras_version"] = "2.15.0"
        zout.writestr("metadata.json", json.dumps(meta))
        zout.writestr("config.json", zin.read("config.json"))
        zout.writestr("model.weights.h5", buf.getvalue())


def write_extra_vars(name):
    """model.keras plus a weight group no layer claims: the reader must refuse it."""
    import io
    import zipfile

    zin = zipfile.ZipFile(os.path.join(ROOT, name, "model.keras"))
    buf = io.BytesIO(zin.read("model.weights.h5"))
    with h5py.File(buf, "r+") as f:
        f.create_group("layers/dense_9/vars").create_dataset("0", data=np.zeros(3, np.float32))
    with zipfile.ZipFile(os.path.join(ROOT, name, "bad-extra-vars.keras"), "w") as zout:
        for n in ("metadata.json", "config.json"):
            zout.writestr(n, zin.read(n))
        zout.writestr("model.weights.h5", buf.getvalue())


def main():
    keras.utils.set_random_seed(0)
    write_npy_fixtures()
    for seed, (name, build, tfjs) in enumerate(
        [("sequential", build_sequential, True), ("functional", build_functional, True), ("nested", build_nested, False)]
    ):
        model = build()
        set_deterministic_weights(model, seed + 1)
        save_all(model, name, tfjs)
        if name == "functional":
            write_tf_keras_2_layout(model, name)
            write_extra_vars(name)
        print("wrote", name)
    write_bad_h5()


if __name__ == "__main__":
    main()
