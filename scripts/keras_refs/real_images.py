"""References of the two real third-party classifiers on real images, from real Keras 3.

Regenerate (from the repository root; needs TF + Keras 3 and ../shared/fixtures; not needed in CI):
    python3 scripts/keras_refs/real_images.py

Reads (never copies) ../shared/fixtures (or $MEDIMG_SHARED_FIXTURES):
    models/malaria-resnet-keras2-h5/malaria_model.h5, models/pneumonia-cnn-keras2-h5/pneumonia_model.h5
    images/malaria-cells/{Parasitized,Uninfected}/*.png, images/pneumoniamnist.npz
Writes:
    test/fixtures/malaria-cells-ref.json       all 500 test cells: path, label, logit, prob
    test/fixtures/pneumonia-mnist-ref.json     24 PneumoniaMNIST test images: index, label, logit, prob
    test/fixtures/malaria-preproc/<name>.input.npy   2 preprocessed malaria inputs, float32 (1,224,224,3)
    test/fixtures/real-models-check.json       agreement of real Keras with the shared fixtures' ref/*.npy

Both .h5 files (Keras 2.15 / 2.4) load directly in Keras 3 with keras.models.load_model(compile=False).
Logits: a copy of the model whose final Dense has activation 'linear' (same weights).
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import FIXTURES_OUT, SHARED, save_json, save_npy, setup_tf, versions

import numpy as np

MALARIA = os.path.join(SHARED, "models", "malaria-resnet-keras2-h5", "malaria_model.h5")
PNEUMONIA = os.path.join(SHARED, "models", "pneumonia-cnn-keras2-h5", "pneumonia_model.h5")
f32 = np.float32

MALARIA_RECIPE = {
    "summary": "tf.io.decode_png(channels=3) -> tf.image.resize([224,224], method='bilinear', antialias=False) "
               "-> / 255.0 (float32) -> model.predict, batch of 1 image per row",
    "decode": "PNG (all 500 are 8-bit RGB, colour type 2) -> uint8 HxWx3 RGB; no gamma/ICC correction",
    "resize": "TF ResizeBilinear with half_pixel_centers=True (what tf.image.resize bilinear without antialias "
              "and image_dataset_from_directory use), computed in float32 on the uint8 values 0..255 cast to "
              "float32. Per axis (in_size -> out_size=224): scale = float32(in_size) / float32(out_size); for "
              "output index o: in = (float32(o) + 0.5f) * scale - 0.5f (float32 ops, no FMA); lo = max(floor(in), 0); "
              "hi = min(ceil(in), in_size - 1); lerp = in - floor(in) (float32). Then, with tl,tr,bl,br the 4 "
              "neighbours (rows ylo/yhi, cols xlo/xhi): top = tl + (tr - tl) * xlerp; bottom = bl + (br - bl) * "
              "xlerp; out = top + (bottom - top) * ylerp, every op rounded to float32 (no fused multiply-add). "
              "All 500 cells are smaller than 224 in both axes (upscaling only), so antialias would not matter. "
              "This numpy emulation was checked bit-identical to tf.image.resize on all 500 images.",
    "scale": "after resizing: x / 255.0 as an IEEE float32 division (x / float32(255)), bit-identical to TF's",
    "layout": "float32, channels-last (N,224,224,3), RGB order",
    "label": "0 = Parasitized, 1 = Uninfected (folder name; alphabetical like image_dataset_from_directory)",
    "prob": "model.predict output = sigmoid(logit); prob > 0.5 means Uninfected",
}

PNEUMONIA_RECIPE = {
    "summary": "PneumoniaMNIST test image (uint8 28x28 grey) -> PIL Image.resize((150,150), Image.BILINEAR) "
               "(uint8 out) -> float32 / 255 -> repeat grey to 3 channels -> model.predict",
    "source": "images/pneumoniamnist.npz, arrays test_images[index] (uint8 28x28) and test_labels[index] "
              "(0 normal, 1 pneumonia)",
    "resize": "Pillow's BILINEAR resample of an 8-bit 'L' image (reproduced here in numpy, no Pillow needed): "
              "two separable passes, HORIZONTAL FIRST (28x28 -> 28x150), result rounded to uint8, then "
              "VERTICAL (-> 150x150), rounded to uint8. Per axis (in=28, out=150): scale = in/out (float64); "
              "support = 1.0 (upscaling); for output o: center = (o + 0.5) * scale; xmin = max(int(center - "
              "support + 0.5), 0); xmax = min(int(center + support + 0.5), in) (int() truncates toward 0); "
              "for x in xmin..xmax-1: w = max(0, 1 - |x - center + 0.5|) (triangle filter); w /= sum(w) "
              "(float64); fixed-point k = int(w * 2^22 + 0.5) (int(w * 2^22 - 0.5) if w < 0). Pixel: "
              "acc = 2^21 + sum(k * p) (integer), out = clip(acc >> 22, 0, 255).",
    "scale": "float32(k) / float32(255) (exact k/255 rounded to float32); the 3 channels are identical",
    "layout": "float32, channels-last (N,150,150,3)",
    "recovered_from": "models/pneumonia-cnn-keras2-h5/ref/pmnist2.input.npy = test indices [234, 0] "
                      "(first normal, first pneumonia) made with exactly this recipe: bit-identical",
    "label": "0 normal, 1 pneumonia (test_labels)",
    "prob": "sigmoid(logit) = P(pneumonia); upscaled 28-px images make this model say pneumonia for nearly "
            "everything: use for logit parity, not accuracy",
}


# --------------------------------------------------------------------------- TF bilinear, numpy emulation

def _tf_axis(in_size, out_size):
    scale = f32(in_size) / f32(out_size)
    o = np.arange(out_size, dtype=np.float32)
    inn = ((o + f32(0.5)) * scale - f32(0.5)).astype(np.float32)
    fl = np.floor(inn)
    lo = np.maximum(fl, 0).astype(np.int64)
    hi = np.minimum(np.ceil(inn), in_size - 1).astype(np.int64)
    return lo, hi, (inn - fl).astype(np.float32)


def tf_bilinear_numpy(img, oh, ow):
    img = img.astype(np.float32)
    ylo, yhi, yl = _tf_axis(img.shape[0], oh)
    xlo, xhi, xl = _tf_axis(img.shape[1], ow)
    tl, tr = img[ylo][:, xlo], img[ylo][:, xhi]
    bl, br = img[yhi][:, xlo], img[yhi][:, xhi]
    X, Y = xl[None, :, None], yl[:, None, None]
    top = tl + (tr - tl) * X
    bot = bl + (br - bl) * X
    return (top + (bot - top) * Y).astype(np.float32)


# --------------------------------------------------------------------------- Pillow bilinear, numpy emulation

PRECISION_BITS = 22


def _pil_coeffs(in_size, out_size):
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = 1.0 * filterscale
    out = []
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        ss = 1.0 / filterscale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size) - xmin
        w = []
        for x in range(xmax):
            t = abs((x + xmin - center + 0.5) * ss)
            w.append(1.0 - t if t < 1.0 else 0.0)
        tot = sum(w)
        w = [v / tot if tot != 0 else v for v in w]
        k = [int(-0.5 + v * (1 << PRECISION_BITS)) if v < 0 else int(0.5 + v * (1 << PRECISION_BITS)) for v in w]
        out.append((xmin, k))
    return out


def _pil_pass(img, coeffs):  # along the last axis; img int64
    out = np.zeros(img.shape[:-1] + (len(coeffs),), dtype=np.int64)
    for o, (xmin, ks) in enumerate(coeffs):
        acc = np.full(img.shape[:-1], 1 << (PRECISION_BITS - 1), dtype=np.int64)
        for x, k in enumerate(ks):
            acc += img[..., xmin + x] * k
        out[..., o] = np.clip(acc >> PRECISION_BITS, 0, 255)
    return out


def pil_bilinear_uint8(img, oh, ow):
    """Pillow Image.resize((ow, oh), BILINEAR) of a 2-D uint8 image: horizontal pass first."""
    h = _pil_pass(img.astype(np.int64), _pil_coeffs(img.shape[1], ow))
    v = _pil_pass(h.swapaxes(0, 1), _pil_coeffs(img.shape[0], oh)).swapaxes(0, 1)
    return v.astype(np.uint8)


def pneumonia_preprocess(img28):
    g = pil_bilinear_uint8(img28, 150, 150).astype(np.float32) / f32(255)
    return np.repeat(g[:, :, None], 3, axis=2)


# --------------------------------------------------------------------------- models

def load(keras, path):
    model = keras.models.load_model(path, compile=False)
    cfg = model.get_config()
    last = cfg["layers"][-1]
    assert last["class_name"] == "Dense", last["class_name"]
    last["config"]["activation"] = "linear"
    lin = model.__class__.from_config(cfg)
    lin.set_weights(model.get_weights())
    return model, lin


def predict(model, x, bs=16):
    return model.predict(x, batch_size=bs, verbose=0)


def check_refs(model, lin, path, name):
    d = os.path.join(os.path.dirname(path), "ref")
    x = np.load(os.path.join(d, f"{name}.input.npy"))
    y = np.load(os.path.join(d, f"{name}.output.npy"))
    lg = np.load(os.path.join(d, f"{name}.logits.npy"))
    out, logits = predict(model, x), predict(lin, x)
    res = {"ref": f"{os.path.relpath(d, SHARED)}/{name}.*.npy", "input_shape": list(x.shape),
           "keras_output": out.ravel().tolist(), "ref_output": y.ravel().tolist(),
           "keras_logits": logits.ravel().tolist(), "ref_logits": lg.ravel().tolist(),
           "output_max_abs_diff": float(np.abs(out - y).max()),
           "logits_max_abs_diff": float(np.abs(logits - lg).max()),
           "logits_max_rel_diff": float((np.abs(logits - lg) / np.abs(lg)).max())}
    print(name, {k: v for k, v in res.items() if "diff" in k})
    assert res["output_max_abs_diff"] < 1e-5 and res["logits_max_rel_diff"] < 1e-5
    return res, x


def main():
    tf = setup_tf()
    import keras
    out = FIXTURES_OUT
    check = {"versions": versions()}

    # ---- malaria
    model, lin = load(keras, MALARIA)
    check["malaria"], nih2 = check_refs(model, lin, MALARIA, "nih2")
    paths = []
    for label, cls in enumerate(["Parasitized", "Uninfected"]):
        for p in sorted(glob.glob(os.path.join(SHARED, "images", "malaria-cells", cls, "*.png"))):
            paths.append((p, label))
    assert len(paths) == 500, len(paths)
    xs, xs_near, n_exact = [], [], 0
    for p, _ in paths:
        img = tf.io.decode_png(tf.io.read_file(p), channels=3)
        x = (tf.image.resize(img, [224, 224], method="bilinear", antialias=False) / 255.0).numpy()
        near = tf.cast(tf.image.resize(img, [224, 224], method="nearest"), tf.float32) / 255.0
        xs_near.append(near.numpy())
        emu = tf_bilinear_numpy(img.numpy(), 224, 224) / f32(255)
        n_exact += int(np.array_equal(x, emu))
        xs.append(x.astype(np.float32))
    print(f"numpy emulation of the TF resize bit-identical on {n_exact}/500 images")
    assert n_exact == 500
    X = np.stack(xs)
    # which test cells are the shared fixture's nih2 reference?
    nih2_src = []
    for b in range(nih2.shape[0]):
        err = np.abs(X - nih2[b]).reshape(len(X), -1).max(1)
        j = int(np.argmin(err))
        nih2_src.append({"path": os.path.relpath(paths[j][0], SHARED), "max_abs_diff": float(err[j])})
    check["malaria"]["closest_test_cell_under_bilinear_recipe"] = nih2_src
    print("nih2 sources", nih2_src)
    # nih2 was NOT made with the bilinear recipe: it is nearest-neighbour (first Parasitized + first
    # Uninfected cell, src = floor((o + 0.5) * in / out), like keras.utils.load_img's default) -> / 255
    XN = np.stack(xs_near)
    nih2_near = bool(np.array_equal(XN[[0, 250]], nih2))
    check["malaria"]["nih2_recipe"] = ("nearest-neighbour resize (tf.image.resize method='nearest' == "
                                       "src index floor((o + 0.5) * in / out)) of the first Parasitized and "
                                       "first Uninfected test cells, then / 255: reproduced bit-identically"
                                       if nih2_near else "not recovered")
    print("nih2 = nearest-neighbour recipe:", nih2_near)
    pn = (predict(model, XN).ravel() > 0.5).astype(int)
    probs = predict(model, X).ravel()
    logits = predict(lin, X).ravel()
    labels = np.array([l for _, l in paths])
    pred = (probs > 0.5).astype(int)
    tpr = float(np.mean(pred[labels == 1] == 1))
    tnr = float(np.mean(pred[labels == 0] == 0))
    bal = (tpr + tnr) / 2
    labels_ = np.array([l for _, l in paths])
    bal_near = float((np.mean(pn[labels_ == 1] == 1) + np.mean(pn[labels_ == 0] == 0)) / 2)
    print(f"malaria balanced accuracy {bal:.4f} (Uninfected recall {tpr:.3f}, Parasitized recall {tnr:.3f}); "
          f"with nearest-neighbour resize instead: {bal_near:.4f}")
    items = [{"path": os.path.relpath(p, SHARED), "label": int(l), "logit": float(lg), "prob": float(pr)}
             for (p, l), lg, pr in zip(paths, logits, probs)]
    save_json(os.path.join(out, "malaria-cells-ref.json"), {
        "model": "models/malaria-resnet-keras2-h5/malaria_model.h5",
        "made_by": "scripts/keras_refs/real_images.py", "versions": versions(),
        "preprocessing": MALARIA_RECIPE,
        "metrics": {"threshold": 0.5, "balanced_accuracy": bal, "recall_uninfected": tpr,
                    "recall_parasitized": tnr, "n": len(items),
                    "balanced_accuracy_if_nearest_resize": bal_near,
                    "note": "balanced_accuracy is for the bilinear recipe of these items; the shared fixtures "
                            "README's ~96.6 % matches the nearest-neighbour resize (as in ref/nih2.input.npy)"},
        "items": items})
    # two preprocessed inputs (one per class) for testing the TS decode + resize against TF
    pre_dir = os.path.join(out, "malaria-preproc")
    pick = [0, 250]  # first Parasitized, first Uninfected (sorted by file name)
    names = []
    for j in pick:
        p = paths[j][0]
        name = os.path.splitext(os.path.basename(p))[0]
        save_npy(os.path.join(pre_dir, f"{name}.input.npy"), X[j:j + 1])
        names.append({"file": f"{name}.input.npy", "path": os.path.relpath(p, SHARED),
                      "source_size_hw": list(tf.io.decode_png(tf.io.read_file(p)).shape[:2]),
                      "logit": items[j]["logit"], "prob": items[j]["prob"]})
    save_json(os.path.join(pre_dir, "index.json"), {"preprocessing": MALARIA_RECIPE["summary"], "items": names})

    # ---- pneumonia
    model, lin = load(keras, PNEUMONIA)
    check["pneumonia"], pm2 = check_refs(model, lin, PNEUMONIA, "pmnist2")
    z = np.load(os.path.join(SHARED, "images", "pneumoniamnist.npz"))
    timg, tlab = z["test_images"], z["test_labels"].ravel()
    # recover the pmnist2 recipe: first normal and first pneumonia test images through Pillow-style bilinear
    first0, first1 = int(np.where(tlab == 0)[0][0]), int(np.where(tlab == 1)[0][0])
    rec = np.stack([pneumonia_preprocess(timg[first0]), pneumonia_preprocess(timg[first1])])
    assert np.array_equal(rec, pm2), "pmnist2 recipe not reproduced"
    check["pneumonia"]["pmnist2_recipe_reproduced_bit_identically"] = {"test_indices": [first0, first1]}
    idx = [int(i) for i in np.where(tlab == 0)[0][:12]] + [int(i) for i in np.where(tlab == 1)[0][:12]]
    XP = np.stack([pneumonia_preprocess(timg[i]) for i in idx])
    pp, pl = predict(model, XP).ravel(), predict(lin, XP).ravel()
    save_json(os.path.join(out, "pneumonia-mnist-ref.json"), {
        "model": "models/pneumonia-cnn-keras2-h5/pneumonia_model.h5",
        "made_by": "scripts/keras_refs/real_images.py", "versions": versions(),
        "preprocessing": PNEUMONIA_RECIPE,
        "indices_note": "first 12 normal and first 12 pneumonia images of the test split (test index order)",
        "items": [{"index": i, "label": int(tlab[i]), "logit": float(a), "prob": float(b)}
                  for i, a, b in zip(idx, pl, pp)]})
    print("pneumonia probs", np.round(pp, 4).tolist())
    save_json(os.path.join(out, "real-models-check.json"), check)


if __name__ == "__main__":
    main()
