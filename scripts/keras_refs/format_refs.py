"""Reference outputs for the format fixtures in test/fixtures/formats/<model>/ (made by
scripts/make_format_fixtures.py): a seeded input and real Keras' model.predict on it, so the GPU
tests can check that every file format of the same model gives Keras' answer.

Regenerate: python3 scripts/keras_refs/format_refs.py
"""
import os
import sys

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import numpy as np  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "formats")

for name in sys.argv[1:] or ["sequential", "functional", "nested"]:
    folder = os.path.join(ROOT, name)
    model = keras.models.load_model(os.path.join(folder, "model.keras"), compile=False)
    rng = np.random.default_rng(2024)
    inputs = [rng.uniform(-1, 1, size=(2, *t.shape[1:])).astype(np.float32) for t in model.inputs]
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    for i, x in enumerate(inputs):
        np.save(os.path.join(folder, f"ref.input{i}.npy"), x)
    for i, y in enumerate(outputs):
        np.save(os.path.join(folder, f"ref.output{i}.npy"), np.asarray(y, dtype=np.float32))
    print(name, [x.shape for x in inputs], "->", [np.shape(y) for y in outputs])
