"""Model folders: broken or foreign ones are refused with a message that says what is wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from unspin.inference import Analyzer
from unspin.inference.model_folder import (
    CONFIG_FILE,
    DEFAULT_MODEL_DIR,
    SPAN_HEAD_FILE,
    ModelConfig,
    ModelError,
    SpanHead,
    channels_for,
    default_stride,
    installed_models,
    models_reading,
    span_head_inputs,
)


def _folder_with(tmp_path: Path, change: dict[str, Any]) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    for key, value in change.items():
        if key == "decoding":
            config["decoding"].update(value)
        else:
            config[key] = value
    (folder / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other/9"}, "unknown model format"),
        ({"decoding": {"sharpness": 2}}, "unexpected settings"),
        ({"decoding": {"technique_bias": [0.5, -0.5]}}, "2 technique offsets for 14 techniques"),
    ],
)
def test_bad_configs_are_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        ModelConfig.load(_folder_with(tmp_path, change))


def test_missing_or_unreadable_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model folder not found"):
        Analyzer(tmp_path / "nowhere")
    with pytest.raises(ModelError, match="not a model folder"):
        Analyzer(tmp_path)
    (tmp_path / CONFIG_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="invalid JSON"):
        Analyzer(tmp_path)
    folder = _folder_with(tmp_path, {})
    (folder / SPAN_HEAD_FILE).unlink()
    with pytest.raises(ModelError, match=r"span_head\.npz is missing"):
        Analyzer(folder)


def test_an_unknown_model_name_is_refused_with_the_names_installed() -> None:
    with pytest.raises(ModelError, match="no installed model of that name") as refused:
        Analyzer("no-such-model")
    listed = str(refused.value).split("installed: ")[1].rstrip(")").split(", ")
    assert {"fast", "unspin-minilm-ptc"} <= set(listed)
    assert listed == sorted(listed)


def test_a_model_names_the_languages_it_reads_without_changing_its_fingerprint(
    tmp_path: Path,
) -> None:
    shipped = ModelConfig.load(DEFAULT_MODEL_DIR)
    assert shipped.languages == ["en"]
    folder = _folder_with(tmp_path, {"languages": ["ar", "en"]})
    claimed = ModelConfig.load(folder)
    assert claimed.languages == ["ar", "en"]
    assert claimed.fingerprint(folder) == shipped.fingerprint(DEFAULT_MODEL_DIR)
    assert Analyzer(folder).info.languages == ("ar", "en")


def test_installed_models_say_which_read_a_language() -> None:
    assert DEFAULT_MODEL_DIR in installed_models()
    assert DEFAULT_MODEL_DIR in models_reading("en")
    assert models_reading("xx") == []


def test_the_shipped_folder_follows_the_contract() -> None:
    config = ModelConfig.load(DEFAULT_MODEL_DIR)
    head = SpanHead.load(DEFAULT_MODEL_DIR, config)
    assert config.channels == channels_for(config.techniques)
    assert head.weight.shape == (span_head_inputs(head.hidden_size), len(config.techniques))
    assert default_stride(256) == 190


def test_a_span_head_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, {})
    config = ModelConfig.load(folder)
    head = SpanHead.load(folder, config)
    SpanHead(head.weight[:, :3], head.bias[:3]).save(folder)
    with pytest.raises(ModelError, match="do not fit 14 techniques"):
        Analyzer(folder)
    np.savez(folder / SPAN_HEAD_FILE, weights=head.weight)
    with pytest.raises(ModelError, match="not a span head"):
        Analyzer(folder)


def test_a_model_reads_the_context_its_config_names(tmp_path: Path) -> None:
    shipped = ModelConfig.load(DEFAULT_MODEL_DIR)
    folder = _folder_with(tmp_path, {"context_tokens": 4})
    narrow = ModelConfig.load(folder)
    text = (DEFAULT_MODEL_DIR.parents[1] / "examples" / "op-ed.txt").read_text(encoding="utf-8")
    tokens = Analyzer(folder).encoder.encode(text * 3)
    wide_plan, narrow_plan = shipped.windows(text * 3, tokens), narrow.windows(text * 3, tokens)
    assert all(w.core[0] - w.start <= 4 for w in narrow_plan if w.core)
    assert any(w.core[0] - w.start == 16 for w in wide_plan if w.core)
    assert narrow.fingerprint(folder) != shipped.fingerprint(DEFAULT_MODEL_DIR)
    default = _folder_with(tmp_path / "again", {"context_tokens": 16})
    assert ModelConfig.load(default).fingerprint(default) == shipped.fingerprint(DEFAULT_MODEL_DIR)
