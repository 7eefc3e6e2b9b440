"""A small 3-class softmax U-Net for <mi-segmenter>'s URL path, and what real Keras makes of a PNG.

Regenerate (from the repository root; needs TF + Keras 3, not needed in CI):
    /tmp/kvenv/bin/python scripts/keras_refs/segmenter_2d.py

Writes test/fixtures/segmenter/:
  unet3.keras     64x64x1 -> 64x64x3 softmax U-Net (Conv/MaxPool/Conv2DTranspose/Concatenate),
                  Keras' seeded initialisers (keras.utils.set_random_seed), the last 1x1 kernel scaled
                  up and its bias set so the three classes all appear on image.png (balance())
  metadata.json   labels and colors (the element's legend), input size and scale 1/255
  image.png       a 64x64 8-bit grey test image (discs, a gradient, seeded noise), encoded by tf.io
  output.npy      model.predict(decode_png(image.png) / 255), [1, 64, 64, 3] float32
Checked by test/e2e/mi-segmenter-url.test.ts (the element loads unet3.keras by URL, src=image.png).
"""
import json
import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import tensorflow as tf
import keras
from keras import layers

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "test", "fixtures", "segmenter")
SIZE = 64


def build():
    keras.utils.set_random_seed(14)
    x_in = keras.Input((SIZE, SIZE, 1), name="image")
    e1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="enc1")(x_in)
    p1 = layers.MaxPooling2D(name="pool1")(e1)
    e2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="enc2")(p1)
    u1 = layers.Conv2DTranspose(8, 2, strides=2, name="up1")(e2)
    c1 = layers.Concatenate(name="skip1")([u1, e1])
    d1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="dec1")(c1)
    out = layers.Conv2D(3, 1, activation="softmax", name="classes")(d1)
    model = keras.Model(x_in, out, name="unet3")
    return model, keras.Model(x_in, d1)


def balance(model, features, x):
    """Scales the last 1x1 kernel up (clear winners) and sets its bias to minus each class's mean
    logit on the test image, so all three classes appear in the mask."""
    layer = model.get_layer("classes")
    k, _ = layer.get_weights()
    k = k * 8.0
    f = features.predict(x, verbose=0)
    logits = f.reshape(-1, f.shape[-1]) @ k[0, 0]
    layer.set_weights([k, (-logits.mean(0)).astype(np.float32)])


def image():
    rng = np.random.default_rng(14)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    img = 40 + 1.2 * xx
    img += 120 * (((yy - 20) ** 2 + (xx - 22) ** 2) < 12 ** 2)
    img -= 30 * (((yy - 44) ** 2 + (xx - 40) ** 2) < 9 ** 2)
    img += rng.normal(0, 6, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)[..., None]


def main():
    os.makedirs(OUT, exist_ok=True)
    model, features = build()
    png = tf.io.encode_png(image()).numpy()
    with open(os.path.join(OUT, "image.png"), "wb") as f:
        f.write(png)
    x = tf.io.decode_png(png, channels=1).numpy().astype(np.float32)[None] / 255.0
    balance(model, features, x)
    model.save(os.path.join(OUT, "unet3.keras"))
    y = model.predict(x, verbose=0).astype(np.float32)
    np.save(os.path.join(OUT, "output.npy"), y)
    meta = {
        "name": "unet3 (seeded, untrained): <mi-segmenter> test model",
        "labels": ["background", "tissue", "lesion"],
        "colors": ["#000000", "#1f77b4", "#ff7f0e"],
        "outputActivation": "softmax",
        "input": {"height": SIZE, "width": SIZE, "channels": 1, "scale": 1 / 255},
    }
    with open(os.path.join(OUT, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=1)
    mask = y[0].argmax(-1)
    top2 = np.sort(y[0], -1)
    margin = top2[..., -1] - top2[..., -2]
    print("classes", np.bincount(mask.ravel(), minlength=3), "margin < 1e-3:", int((margin < 1e-3).sum()),
          "versions", keras.__version__, tf.__version__)


if __name__ == "__main__":
    main()
