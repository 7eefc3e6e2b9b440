"""Trains the project's own demonstration model, weights/malaria-cnn/, with real Keras 3.

Regenerate (from the repository root; needs TF + Keras 3 and the shared fixtures; about 15 minutes on 2 busy CPU threads):

    python3 scripts/train_malaria_cnn.py [FIXTURES_DIR]

FIXTURES_DIR defaults to ../shared/fixtures relative to the repository root (or $MEDIMG_SHARED_FIXTURES).
The images are read there by path and never copied into the repository.

Data (NIH/NLM thin-smear cell crops, US-government work), label 0 = Parasitized, 1 = Uninfected:
    images/malaria-cells-train/{Parasitized,Uninfected}/*.png   2,500 + 2,500   training
    images/malaria-cells-valid/{Parasitized,Uninfected}/*.png     400 +   400   early stopping / best epoch
    images/malaria-cells/{Parasitized,Uninfected}/*.png           250 +   250   held-out test, used once at the end
Preprocessing, S = SIZE = 64 (the engine's input is the raw resized pixels; the model divides by 255 itself):
    tf.io.decode_png(channels=3) -> tf.image.resize([S,S], 'bilinear', antialias=False) -> float32 0..255
Model (Sequential, only layers the engine supports):
    Input SxSx3 -> Rescaling(1/255) -> Conv2D(16,3,relu) -> MaxPooling2D(2) -> Conv2D(32,3,relu)
    -> MaxPooling2D(2) -> Flatten -> Dense(16,relu) -> Dropout(0.3) -> Dense(1,sigmoid)   (105,473 params)
    output = P(Uninfected); > 0.5 means Uninfected.

Writes weights/malaria-cnn/:
    model.keras                      Keras 3 native zip (no optimizer state)
    model.json + group1-shard1of1.bin   TF.js layers bundle written here from get_config() + the weights
    metadata.json                    what the demo element reads (labels, input recipe, threshold, metrics)
    ref/test8.input.npy              float32 (8,S,S,3) 0..255: first 4 Parasitized + first 4 Uninfected test cells
    ref/test8.output.npy             model.predict of it, float32 (8,1)
    ref/test8.logits.npy             the same model with the last Dense linear (same weights), float32 (8,1)
    ref/test-cells.json              all 500 test cells {path, label, logit, prob} + metrics
(README.md there is written by hand: update its numbers after a re-run.)
Training: seeded (numpy + keras.utils.set_random_seed), TF op determinism on, 2 CPU threads,
TF_ENABLE_ONEDNN_OPTS=0: two runs gave bit-identical per-epoch losses. Augmentation: one of the 8 dihedral transforms (rot90 x flip) per image
per epoch, drawn by a seeded numpy generator.
"""
import argparse
import hashlib
import json
import os
import sys
import time

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(2)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402
from keras import layers  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_FIXTURES = os.environ.get("MEDIMG_SHARED_FIXTURES", os.path.join(REPO, "..", "shared", "fixtures"))
OUT = os.path.join(REPO, "weights", "malaria-cnn")

CLASSES = ["Parasitized", "Uninfected"]  # label index = position; the sigmoid is P(label 1)
SEED = 20261126
SIZE = 64
DENSE = 16
BATCH = 32
LR = 3e-4  # 1e-3 killed the 16 ReLU units of dense1 (6,272 positive inputs: an Adam step moves a pre-activation by ~2)
LR_PATIENCE = 3  # halve the learning rate after this many epochs without a lower validation loss
MAX_EPOCHS = 60
PATIENCE = 8  # stop after this many epochs without a lower validation loss
THRESHOLD = 0.5


# ---------------------------------------------------------------- data


def list_split(fixtures, folder):
    """[(path relative to fixtures, label)], sorted by class then file name."""
    out = []
    for label, cls in enumerate(CLASSES):
        d = os.path.join(fixtures, "images", folder, cls)
        names = sorted(n for n in os.listdir(d) if n.lower().endswith(".png"))
        if not names:
            raise SystemExit(f"no PNG files in {d}")
        out += [(os.path.join("images", folder, cls, n), label) for n in names]
    return out


def load_image(path, size):
    raw = tf.io.read_file(path)
    img = tf.io.decode_png(raw, channels=3)  # uint8 HxWx3
    x = tf.image.resize(img, [size, size], method="bilinear", antialias=False)  # float32 0..255
    return x.numpy().astype(np.float32)


def load_split(fixtures, folder, size):
    items = list_split(fixtures, folder)
    x = np.stack([load_image(os.path.join(fixtures, p), size) for p, _ in items])
    y = np.array([l for _, l in items], dtype=np.float32)
    return items, x, y


def dihedral(x, rng):
    """Each image gets one of the 8 rot90/flip transforms (square images, so shapes are kept)."""
    k = rng.integers(0, 4, size=len(x))
    f = rng.integers(0, 2, size=len(x))
    out = np.empty_like(x)
    for i in range(len(x)):
        im = np.rot90(x[i], k[i], axes=(0, 1))
        out[i] = im[:, ::-1] if f[i] else im
    return out


# ---------------------------------------------------------------- model


def build_model(size, final_activation="sigmoid"):
    return keras.Sequential(
        [
            keras.Input((size, size, 3), name="pixels"),
            layers.Rescaling(1.0 / 255.0, name="rescale"),
            layers.Conv2D(16, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(DENSE, activation="relu", name="dense1"),
            layers.Dropout(0.3, name="dropout"),
            layers.Dense(1, activation=final_activation, name="dense2"),
        ],
        name="malaria_cnn",
    )


def metrics(y, prob):
    """Accuracy, balanced accuracy, per-class recall, confusion matrix and ROC AUC at THRESHOLD."""
    y = np.asarray(y).astype(int)
    pred = (np.asarray(prob).ravel() > THRESHOLD).astype(int)  # > 0.5 means Uninfected (1)
    rec = [float(np.mean(pred[y == c] == c)) for c in (0, 1)]
    # AUC by the rank-sum formula (ties get half credit)
    p = np.asarray(prob, dtype=np.float64).ravel()
    pos, neg = p[y == 1], p[y == 0]
    auc = float((np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])) / (len(pos) * len(neg)))
    return {
        "n": int(len(y)),
        "threshold": THRESHOLD,
        "accuracy": float(np.mean(pred == y)),
        "balanced_accuracy": float(np.mean(rec)),
        "recall_parasitized": rec[0],
        "recall_uninfected": rec[1],
        "confusion": {"rows_true_cols_pred_order": CLASSES,
                      "matrix": [[int(np.sum((y == t) & (pred == q))) for q in (0, 1)] for t in (0, 1)]},
        "roc_auc": auc,
    }


def train(xtr, ytr, xva, yva, size):
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = build_model(size)
    model.compile(optimizer=keras.optimizers.Adam(LR), loss="binary_crossentropy", metrics=["accuracy"])
    best, best_loss, best_epoch, waited, history = None, np.inf, -1, 0, []
    t0 = time.time()
    for epoch in range(MAX_EPOCHS):
        order = rng.permutation(len(xtr))
        xa = dihedral(xtr[order], rng)
        h = model.fit(xa, ytr[order], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        pva = model.predict(xva, batch_size=200, verbose=0).ravel()
        eps = 1e-7
        vloss = float(-np.mean(yva * np.log(np.clip(pva, eps, 1)) + (1 - yva) * np.log(np.clip(1 - pva, eps, 1))))
        vm = metrics(yva, pva)
        row = {"epoch": epoch + 1, "loss": float(h.history["loss"][0]), "accuracy": float(h.history["accuracy"][0]),
               "val_loss": vloss, "val_accuracy": vm["accuracy"], "val_balanced_accuracy": vm["balanced_accuracy"],
               "lr": float(model.optimizer.learning_rate.numpy()), "seconds": round(time.time() - t0, 1)}
        history.append(row)
        print(json.dumps(row), flush=True)
        if vloss < best_loss:
            best, best_loss, best_epoch, waited = [w.copy() for w in model.get_weights()], vloss, epoch + 1, 0
        else:
            waited += 1
            if waited >= PATIENCE:
                break
            if waited % LR_PATIENCE == 0:
                lr = float(model.optimizer.learning_rate.numpy()) / 2
                model.optimizer.learning_rate.assign(lr)
                print(f"learning rate -> {lr:g}", flush=True)
    return best, best_epoch, history, time.time() - t0


# ---------------------------------------------------------------- TF.js layers bundle


def write_tfjs(model, outdir):
    """model.json + one shard: modelTopology.model_config = {class_name, config: model.get_config()}
    (Keras 3 dialect, which the engine reads), weights named '<layer>/<weight>' in Keras order."""
    entries, blobs = [], []
    for layer in model.layers:
        for w in layer.weights:
            arr = np.ascontiguousarray(np.asarray(w.numpy(), dtype="<f4"))
            entries.append({"name": f"{layer.name}/{w.name}", "shape": list(arr.shape), "dtype": "float32"})
            blobs.append(arr.tobytes())
    shard = "group1-shard1of1.bin"
    with open(os.path.join(outdir, shard), "wb") as f:
        f.write(b"".join(blobs))
    doc = {
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__}",
        "convertedBy": "scripts/train_malaria_cnn.py",
        "modelTopology": {
            "keras_version": keras.__version__,
            "backend": keras.backend.backend(),
            "model_config": {"class_name": model.__class__.__name__, "config": model.get_config()},
        },
        "weightsManifest": [{"paths": [shard], "weights": entries}],
    }
    with open(os.path.join(outdir, "model.json"), "w") as f:
        json.dump(doc, f)


def save_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fixtures", nargs="?", default=DEFAULT_FIXTURES, help="shared fixtures folder")
    args = ap.parse_args()
    fixtures = os.path.abspath(args.fixtures)
    if not os.path.isdir(os.path.join(fixtures, "images", "malaria-cells-train")):
        raise SystemExit(f"shared fixtures not found at {fixtures} (pass the folder as the first argument)")
    os.makedirs(os.path.join(OUT, "ref"), exist_ok=True)

    t0 = time.time()
    _, xtr, ytr = load_split(fixtures, "malaria-cells-train", SIZE)
    _, xva, yva = load_split(fixtures, "malaria-cells-valid", SIZE)
    print(f"loaded train {xtr.shape} valid {xva.shape} in {time.time() - t0:.1f}s", flush=True)

    weights, best_epoch, history, train_s = train(xtr, ytr, xva, yva, SIZE)
    print(f"best epoch {best_epoch}, training {train_s:.1f}s", flush=True)

    # A fresh, uncompiled model (no optimizer state in the .keras file) with the best weights.
    model = build_model(SIZE)
    model.set_weights(weights)
    keras_path = os.path.join(OUT, "model.keras")
    model.save(keras_path)
    reloaded = keras.models.load_model(keras_path, compile=False)
    write_tfjs(model, OUT)

    val_prob = reloaded.predict(xva, batch_size=200, verbose=0).ravel()
    val_metrics = metrics(yva, val_prob)

    # Logits: same architecture with a linear last Dense, same weights.
    logit_model = build_model(SIZE, final_activation="linear")
    logit_model.set_weights(weights)

    # The held-out test split, used once.
    test_items, xte, yte = load_split(fixtures, "malaria-cells", SIZE)
    prob = reloaded.predict(xte, batch_size=100, verbose=0).ravel()
    logit = logit_model.predict(xte, batch_size=100, verbose=0).ravel()
    test_metrics = metrics(yte, prob)
    print("valid", json.dumps(val_metrics), flush=True)
    print("test", json.dumps(test_metrics), flush=True)

    # 8 reference cells: the first 4 of each class (sorted by file name).
    idx = [i for i in range(len(test_items)) if test_items[i][1] == 0][:4] + \
          [i for i in range(len(test_items)) if test_items[i][1] == 1][:4]
    x8 = np.ascontiguousarray(xte[idx], dtype=np.float32)
    y8 = reloaded.predict(x8, verbose=0).astype(np.float32)
    l8 = logit_model.predict(x8, verbose=0).astype(np.float32)
    np.save(os.path.join(OUT, "ref", "test8.input.npy"), x8)
    np.save(os.path.join(OUT, "ref", "test8.output.npy"), y8)
    np.save(os.path.join(OUT, "ref", "test8.logits.npy"), l8)
    assert np.allclose(y8.ravel(), 1 / (1 + np.exp(-l8.ravel().astype(np.float64))), atol=1e-6)
    assert np.allclose(model.predict(x8, verbose=0), y8, atol=0, rtol=0), "reloaded .keras differs"

    versions = {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__,
                "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}
    recipe = (f"tf.io.decode_png(channels=3) -> tf.image.resize([{SIZE},{SIZE}], method='bilinear', "
              "antialias=False) -> float32 0..255 (no division: the model's Rescaling(1/255) does it)")
    save_json(os.path.join(OUT, "ref", "test-cells.json"), {
        "model": "weights/malaria-cnn/model.keras",
        "fixtures_relative_to": "../shared/fixtures",
        "labels": {"0": "Parasitized", "1": "Uninfected"},
        "output": "sigmoid = P(Uninfected); prob > 0.5 -> Uninfected",
        "preprocessing": recipe,
        "logit": "same weights, last Dense linear (value before the sigmoid)",
        "test8": {"paths": [test_items[i][0] for i in idx],
                  "files": ["test8.input.npy", "test8.output.npy", "test8.logits.npy"]},
        "metrics": test_metrics,
        "versions": versions,
        "cells": [{"path": p, "label": int(l), "logit": float(lg), "prob": float(pr)}
                  for (p, l), lg, pr in zip(test_items, logit, prob)],
    })

    n_params = int(model.count_params())
    save_json(os.path.join(OUT, "metadata.json"), {
        "name": "malaria-cnn",
        "description": "Demonstration classifier of NIH/NLM thin-smear malaria cell crops. Not a medical device.",
        "task": "binary image classification: is this red-blood-cell crop parasitized by Plasmodium?",
        "labels": CLASSES,
        "output": {"index": 0, "meaning": "P(Uninfected)", "positiveLabel": "Uninfected", "negativeLabel": "Parasitized",
                   "rule": "prob > threshold -> labels[1] (Uninfected), else labels[0] (Parasitized)"},
        "outputActivation": "sigmoid",
        "threshold": THRESHOLD,
        "input": {"height": SIZE, "width": SIZE, "channels": 3, "resize": "bilinear-half-pixel",
                  "antialias": False, "scale": 1, "offset": 0, "colorSpace": "RGB", "range": [0, 255],
                  "note": "raw 0..255 pixels after resize; the model's first layer divides by 255"},
        "keras_version": keras.__version__,
        "params": n_params,
        "files": {"keras": "model.keras", "tfjs": "model.json"},
        "metrics": {"test": test_metrics, "validation": val_metrics},
        "split_sizes": {"train": int(len(ytr)), "validation": int(len(yva)), "test": int(len(yte))},
        "training": {"seed": SEED, "optimizer": f"Adam(lr={LR}), halved after {LR_PATIENCE} epochs without a lower val loss", "loss": "binary_crossentropy", "batch": BATCH,
                     "max_epochs": MAX_EPOCHS, "patience": PATIENCE, "best_epoch": best_epoch,
                     "selection": "lowest validation loss", "augmentation": "random rot90 x flip (8 dihedral)",
                     "seconds": round(train_s, 1), "threads": 2, "history": history, "versions": versions},
        "license": "MIT (model); training data NIH/NLM, US-government work",
    })
    print(f"params {n_params}")
    for root, _, files in os.walk(OUT):
        for n in sorted(files):
            p = os.path.join(root, n)
            print(f"{os.path.getsize(p):>9}  {os.path.relpath(p, REPO)}  {sha256(p)[:16]}")


if __name__ == "__main__":
    sys.exit(main())
