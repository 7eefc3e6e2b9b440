"""Grad-CAM reference maps from real Keras (tf.GradientTape), for model.explain and `mi explain`.

Regenerate (from the repository root; needs TF + Keras 3 and ../shared/fixtures; not needed in CI):
    /tmp/kvenv/bin/python scripts/keras_refs/gradcam.py

The recipe is Keras' own Grad-CAM example (keras.io/examples/vision/grad_cam): a model with outputs
[target_layer.output, model.output] with the last activation removed, tf.GradientTape, pooled grads =
mean of the gradient over the spatial axes, heatmap = relu(A @ pooled) / max. Three changes, all from
the definition in issue 13 that the engine implements:
  - each batch item has its own class and its own pooled gradient (the example pools over the batch
    axis too, which only makes sense for a batch of one);
  - a single sigmoid unit explains class 1 with its logit and class 0 with the logit's negative (the
    example would always differentiate unit 0, i.e. class 1);
  - an all-zero map (no positive evidence) stays zero (the example divides 0 by 0).
Default class: the predicted one (argmax of the logits; for one sigmoid unit, logit > 0). Default
target: the layer whose output feeds the model's first Flatten / GlobalAveragePooling2D /
GlobalMaxPooling2D layer (the input of the head).

Models (inputs are read where they live, never copied, except the tiny model's seeded input):
  malaria_resnet    ../shared/fixtures/models/malaria-resnet-keras2-h5 (GAP -> Dense sigmoid)
  pneumonia_cnn     ../shared/fixtures/models/pneumonia-cnn-keras2-h5 (Flatten -> Dense 512 -> Dense sigmoid)
  malaria_cnn       weights/malaria-cnn/model.keras (Flatten -> Dense relu -> Dropout -> Dense sigmoid)
  mobilenet_v2      test/fixtures/zoo/mobilenet_v2 (seeded weights, zoo.py's builder; GAP -> Dense -> softmax)
  tiny_head         test/fixtures/gradcam/tiny_head/model.keras, made here (seeded; a head with BN,
                    Activation, Dropout, Flatten, Dense elu/tanh, Add, Concatenate, softmax)
Writes test/fixtures/gradcam/refs.json (per model: file, input, cases with class indices, target
layer, target shape, map file) and test/fixtures/gradcam/<model>/<case>.npy (float32, N x h x w).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import FIXTURES_OUT, REPO, SHARED, save_json, save_npy, seeded_unit, setup_tf, versions

import numpy as np

OUT = os.path.join(FIXTURES_OUT, "gradcam")
HEAD_CLASSES = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D")


def rel(path):
    """A path relative to the repository root (shared fixtures come out as ../shared/...)."""
    return os.path.relpath(path, REPO)


def head_input_layer(model):
    """Name of the layer whose output feeds the first Flatten / global pooling layer."""
    for layer in model.layers:
        if layer.__class__.__name__ in HEAD_CLASSES:
            return layer.input._keras_history[0].name
    raise SystemExit(f"{model.name}: no Flatten or global pooling layer")


def logits_tensor(model):
    """The model's output before its last activation (the example's `model.layers[-1].activation = None`)."""
    import keras
    last = model.layers[-1]
    if last.__class__.__name__ in ("Activation", "Softmax"):
        return last.input
    if getattr(last, "activation", None) is not None:
        last.activation = keras.activations.linear
    return model.outputs[0]


def gradcam(model, x, layer=None, classes=None):
    import keras
    import tensorflow as tf
    layer = layer or head_input_layer(model)
    if model.__class__.__name__ == "Sequential":
        # Keras 3 Sequential: layer.output belongs to a graph other than model.inputs' (the gradient
        # comes back None), so call the layers again on a fresh Input, as a functional model would.
        logits_tensor(model)
        inp = keras.Input(model.input_shape[1:])
        y = inp
        for l in model.layers:
            y = l(y)
            if l.name == layer:
                target = y
        grad_model = keras.Model(inp, [target, y])
    else:
        grad_model = keras.Model(model.inputs, [model.get_layer(layer).output, logits_tensor(model)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        a, logits = grad_model(xt, training=False)
        lg = logits.numpy()
        if classes is None:
            classes = [int(lg[n, 0] > 0) if lg.shape[1] == 1 else int(np.argmax(lg[n])) for n in range(len(x))]
        rows = []
        for n, k in enumerate(classes):
            if lg.shape[1] == 1:
                rows.append(logits[n, 0] if k == 1 else -logits[n, 0])
            else:
                rows.append(logits[n, k])
        score = tf.add_n(rows)  # items are independent in inference mode: d score / d A[n] is item n's own
    grads = tape.gradient(score, a).numpy()
    a = a.numpy()
    pooled = grads.mean(axis=(1, 2))  # per item: (N, C)
    heat = np.einsum("nhwc,nc->nhw", a, pooled)
    heat = np.maximum(heat, 0)
    peak = heat.reshape(len(x), -1).max(axis=1)
    maps = np.where(peak[:, None, None] > 0, heat / np.where(peak > 0, peak, 1)[:, None, None], 0).astype(np.float32)
    return maps, classes, layer, lg


def tiny_head(keras):
    """A small seeded model whose head is more than Dense: made here, saved as .keras."""
    L = keras.layers
    inp = keras.Input((12, 12, 3), name="pixels")
    x = L.Conv2D(6, 3, activation="relu", name="conv1")(inp)
    x = L.MaxPooling2D(2, name="pool1")(x)
    x = L.Conv2D(8, 3, padding="same", name="conv2")(x)
    x = L.BatchNormalization(name="bn2")(x)
    x = L.Activation("relu", name="relu2")(x)
    x = L.Dropout(0.3, name="drop2")(x)
    x = L.Flatten(name="flatten")(x)
    h = L.Dense(16, activation="elu", name="fc1")(x)
    h = L.Dropout(0.2, name="drop_fc1")(h)
    a = L.Dense(8, activation="tanh", name="fc_a")(h)
    b = L.Dense(8, name="fc_b")(h)
    s = L.Add(name="add")([a, b])
    c = L.Concatenate(name="concat")([s, a])
    out = L.Dense(3, activation="softmax", name="probs")(c)
    model = keras.Model(inp, out, name="tiny_head")
    rng = np.random.default_rng(1313)
    for w in model.weights:
        name = w.name.split("/")[-1]
        shape = tuple(int(d) for d in w.shape)
        if name == "moving_variance":
            v = rng.uniform(0.5, 1.5, shape)
        elif name == "gamma":
            v = rng.uniform(0.8, 1.2, shape)
        elif name == "kernel":
            v = rng.uniform(-1, 1, shape) * np.sqrt(6.0 / np.prod(shape[:-1]))
        else:
            v = rng.uniform(-0.1, 0.1, shape)
        w.assign(v.astype(np.float32))
    return model


def zoo_mobilenet(keras):
    import zoo
    zoo.MODEL_NAME = "mobilenet_v2"
    model, _, _ = zoo.build(keras, "mobilenet_v2")
    zoo.seed_all(model)
    return model


def main():
    setup_tf()
    import keras
    keras.utils.set_random_seed(0)
    load = lambda p: keras.models.load_model(p, compile=False)
    tiny_dir = os.path.join(OUT, "tiny_head")
    tiny_model_path = os.path.join(tiny_dir, "model.keras")
    tiny_input = os.path.join(tiny_dir, "input.npy")
    if "--remake-tiny" in sys.argv or not os.path.exists(tiny_model_path):
        os.makedirs(tiny_dir, exist_ok=True)
        tiny_head(keras).save(tiny_model_path)
        save_npy(tiny_input, seeded_unit(2 * 12 * 12 * 3, 1313).reshape(2, 12, 12, 3))

    models = {
        "malaria_resnet": (os.path.join(SHARED, "models/malaria-resnet-keras2-h5/malaria_model.h5"),
                           os.path.join(SHARED, "models/malaria-resnet-keras2-h5/ref/nih2.input.npy"), None),
        "pneumonia_cnn": (os.path.join(SHARED, "models/pneumonia-cnn-keras2-h5/pneumonia_model.h5"),
                          os.path.join(SHARED, "models/pneumonia-cnn-keras2-h5/ref/pmnist2.input.npy"), None),
        "malaria_cnn": (os.path.join(REPO, "weights/malaria-cnn/model.keras"),
                        os.path.join(REPO, "weights/malaria-cnn/ref/test8.input.npy"), None),
        "mobilenet_v2": (os.path.join(FIXTURES_OUT, "zoo/mobilenet_v2"),
                         os.path.join(FIXTURES_OUT, "zoo/mobilenet_v2/input.npy"), zoo_mobilenet),
        "tiny_head": (tiny_model_path, tiny_input, None),
    }
    # Beyond the default (predicted class, head input): an explicit class, and a named layer.
    extra = {
        "malaria_cnn": [{"name": "class0", "classes": [0, 0]}, {"name": "class1", "classes": [1, 1]}],
        "mobilenet_v2": [{"name": "class2", "classes": [2, 2]}],
        "tiny_head": [{"name": "class1", "classes": [1, 1]},
                      {"name": "layer_conv2", "layer": "conv2"},
                      {"name": "layer_bn2_class0", "layer": "bn2", "classes": [0, 0]}],
    }
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    refs = {"versions": versions(), "models": {}}
    for name, (path, input_path, builder) in models.items():
        if only and name not in only:
            continue
        model = builder(keras) if builder else load(path)
        x = np.load(input_path)[:2].astype(np.float32)
        cases = []
        for case in [{"name": "default"}] + extra.get(name, []):
            maps, classes, layer, lg = gradcam(model, x, case.get("layer"), case.get("classes"))
            file = f"{name}/{case['name']}.npy"
            save_npy(os.path.join(OUT, file), maps)
            cases.append({"name": case["name"], "classIndex": classes, "layer": layer,
                          "requestedClass": case.get("classes"), "requestedLayer": case.get("layer"),
                          "targetShape": list(maps.shape[1:]), "file": file,
                          "logits": lg.tolist(), "zeroMaps": int((maps.reshape(len(x), -1).max(axis=1) == 0).sum())})
            print(name, case["name"], classes, layer, maps.shape, flush=True)
        refs["models"][name] = {"model": rel(path), "input": rel(input_path), "batch": 2, "cases": cases}
    if only:
        old = os.path.join(OUT, "refs.json")
        if os.path.exists(old):
            import json
            prev = json.load(open(old))
            prev["models"].update(refs["models"])
            refs["models"] = prev["models"]
    save_json(os.path.join(OUT, "refs.json"), refs)


if __name__ == "__main__":
    main()
