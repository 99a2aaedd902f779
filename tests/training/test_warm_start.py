"""``unspin train --init`` and ``--data``: fine-tuning a model folder on annotated documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnx")

import onnxruntime as ort
import torch
from click.testing import CliRunner

from annotation_fixtures import TINY_TRAINING
from unspin.cli.main import main
from unspin.formats.annotated import Annotated
from unspin.formats.brat import write_brat
from unspin.formats.labelstudio import write_label_studio
from unspin.formats.ptc import read_ptc
from unspin.inference import Analyzer
from unspin.inference.model_folder import (
    DEFAULT_MODEL_DIR,
    Decoding,
    ModelConfig,
    channels_for,
    resolve_model_dir,
)
from unspin.inference.model_folder import FP32_ONNX_FILE as FP32_FILE
from unspin.training.config import default_encoder_path
from unspin.training.data import DataError, default_techniques
from unspin.training.fuse import quantize_encoder
from unspin.training.model import ExportWrapper, SpanTagger
from unspin.training.warm_start import load_folder_weights, onnx_weights

SIX_LAYERS = resolve_model_dir("l6")
"""The 6-layer model package (the default's teacher), installed beside unspin."""


def fresh_tagger() -> SpanTagger:
    techniques = default_techniques()
    return SpanTagger.from_pretrained(
        default_encoder_path(), len(channels_for(techniques)), len(techniques)
    )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.conftest import write_tiny_ptc

    root = tmp_path_factory.mktemp("tiny")
    output = root / "model"
    result = CliRunner().invoke(
        main,
        ["train", "--ptc", str(write_tiny_ptc(root / "ptc")), "-o", str(output), *TINY_TRAINING],
    )
    assert result.exit_code == 0, result.output
    return output


def torch_logits(model: SpanTagger, ids: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        logits, _ = model(torch.from_numpy(ids), torch.ones_like(torch.from_numpy(ids)))
    return logits.numpy()


def onnx_logits(path: Path, ids: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    logits: np.ndarray = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[
        0
    ]
    return logits


IDS = np.array([[101, 2023, 2003, 1037, 6659, 1998, 26316, 2933, 999, 102]], dtype=np.int64)


def test_weights_read_from_the_fp32_graph_compute_what_the_graph_computes(tiny_model: Path) -> None:
    model = fresh_tagger()
    read = load_folder_weights(model, tiny_model, channels_for(default_techniques()))
    assert read.name == FP32_FILE
    np.testing.assert_allclose(
        torch_logits(model, IDS), onnx_logits(tiny_model / FP32_FILE, IDS), atol=1e-4
    )
    head = np.load(tiny_model / "span_head.npz")
    np.testing.assert_array_equal(model.span_head.weight.detach().numpy(), head["weight"].T)


def test_int8_weights_dequantise_close_to_the_fp32_ones(tiny_model: Path, tmp_path: Path) -> None:
    # Quantised plainly: the folder's own int8 weights are also bounded (exact_int8), which
    # moves some of them by more than one step on purpose.
    plain = tmp_path / "plain.onnx"
    quantize_encoder(tiny_model / FP32_FILE, plain)
    exact = onnx_weights(tiny_model / FP32_FILE)
    dequantised = onnx_weights(plain)
    assert dequantised.keys() == exact.keys()
    for name, value in exact.items():
        step = np.abs(value).max() / 127 if value.size else 0.0
        assert np.abs(dequantised[name] - value).max() <= step + 1e-6, name


def test_the_shipped_int8_model_can_be_fine_tuned_from() -> None:
    techniques = default_techniques()
    channels = channels_for(techniques)
    model = SpanTagger.from_pretrained(
        default_encoder_path(), len(channels), len(techniques), layers=4
    )
    read = load_folder_weights(model, DEFAULT_MODEL_DIR, channels)
    assert read.name == "model.onnx"
    ours = 1 / (1 + np.exp(-torch_logits(model, IDS)))
    shipped = 1 / (1 + np.exp(-onnx_logits(read, IDS)))
    assert np.abs(ours - shipped).mean() < 0.03, "int8 activations aside, the same network"


def test_a_shallower_student_starts_from_the_bottom_layers() -> None:
    techniques = default_techniques()
    channels = channels_for(techniques)
    deep = SpanTagger.from_pretrained(default_encoder_path(), len(channels), len(techniques))
    shallow = SpanTagger.from_pretrained(
        default_encoder_path(), len(channels), len(techniques), layers=4
    )
    load_folder_weights(deep, SIX_LAYERS, channels)
    load_folder_weights(shallow, SIX_LAYERS, channels)
    deep_state, shallow_state = deep.state_dict(), shallow.state_dict()
    assert not any(".layer.4." in name or ".layer.5." in name for name in shallow_state)
    assert any(".layer.3." in name for name in shallow_state)
    for name, value in shallow_state.items():
        torch.testing.assert_close(value, deep_state[name], rtol=0, atol=0, msg=name)


def test_a_deeper_student_than_its_init_folder_is_told_the_depth_to_give() -> None:
    with pytest.raises(
        DataError, match="its encoder has 4 layers, the one being trained 6; give --layers 4"
    ):
        load_folder_weights(fresh_tagger(), DEFAULT_MODEL_DIR, channels_for(default_techniques()))


def test_narrowing_drops_the_feed_forward_units_that_weigh_least() -> None:
    model = fresh_tagger()
    full = model.ffn_width
    idle = torch.arange(0, full, 3)
    for layer in model.encoder.encoder.layer:
        with torch.no_grad():
            layer.output.dense.weight[:, idle] = 0.0
    before = torch_logits(model, IDS)
    model.narrow_ffn(full - len(idle))
    assert model.ffn_width == full - len(idle)
    assert model.encoder.encoder.layer[0].intermediate.dense.out_features == full - len(idle)
    np.testing.assert_allclose(torch_logits(model, IDS), before, atol=1e-5)
    model.narrow_ffn(100)
    assert not np.allclose(torch_logits(model, IDS), before, atol=1e-3)
    with pytest.raises(DataError, match="--ffn-width 200"):
        model.narrow_ffn(200)


def test_a_narrower_folder_narrows_the_model_it_is_read_into(
    tiny_model: Path, tmp_path: Path
) -> None:
    from unspin.training.export import export_fp32

    narrow = fresh_tagger()
    load_folder_weights(narrow, tiny_model, channels_for(default_techniques()))
    narrow.narrow_ffn(256)
    folder = tmp_path / "narrow"
    shutil.copytree(tiny_model, folder)
    export_fp32(narrow, folder / FP32_FILE)
    model = fresh_tagger()
    load_folder_weights(model, folder, channels_for(default_techniques()))
    assert model.ffn_width == 256
    np.testing.assert_allclose(
        torch_logits(model, IDS), onnx_logits(folder / FP32_FILE, IDS), atol=1e-4
    )


def test_a_folder_with_other_channels_is_refused(tiny_model: Path) -> None:
    with pytest.raises(DataError, match="channels"):
        load_folder_weights(fresh_tagger(), tiny_model, ["propaganda", "Loaded_Language"])


def gold_items(root: Path) -> list[Annotated]:
    from training.conftest import write_tiny_ptc

    return read_ptc(write_tiny_ptc(root)).items


def test_train_init_on_label_studio_and_brat_data_keeps_decoding_without_dev(
    tiny_model: Path, tmp_path: Path
) -> None:
    items = gold_items(tmp_path / "gold")
    init = tmp_path / "init"
    shutil.copytree(tiny_model, init)
    marked = ModelConfig.load(init)
    marked.decoding = Decoding(span_threshold=0.37, extend_margin=0.5, max_gap=2)
    marked.save(init)
    export = tmp_path / "export.json"
    write_label_studio(export, items[:2])
    write_brat(tmp_path / "brat", items[2:])
    output = tmp_path / "tuned"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(export),
            "--data",
            str(tmp_path / "brat"),
            "--init",
            str(init),
            "-o",
            str(output),
            "--dev-share",
            "0",
            "--test-share",
            "0",
            *TINY_TRAINING,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"starting from the weights of {init / FP32_FILE}" in result.output
    saved = json.loads((output / "training_config.json").read_text())
    assert saved["init"] == str(init) and saved["ptc"] is None
    assert [d["format"] for d in saved["data"]] == ["label-studio", "brat"]
    assert "train 4, dev 0, test 0" in result.output
    tuned = Analyzer(output)
    assert tuned.config.decoding == marked.decoding, "no dev articles: the init's decoding stays"
    assert tuned.analyze("Take back our town!").document.text


def test_unknown_techniques_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    items = gold_items(tmp_path / "gold")
    first = items[0]
    typo = [
        Annotated(
            first.document, [s.__class__(s.start, s.end, "Loaded Langauge") for s in first.spans]
        )
    ]
    write_label_studio(tmp_path / "typo.json", typo)
    result = CliRunner().invoke(
        main,
        ["train", "--data", str(tmp_path / "typo.json"), "-o", str(tmp_path / "m"), *TINY_TRAINING],
    )
    assert result.exit_code == 1
    assert "unknown technique 'Loaded Langauge' (did you mean 'Loaded_Language'?)" in result.output
    mismatch = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(tmp_path / "typo.json"),
            "--data",
            str(tmp_path / "typo.json"),
            "--format",
            "brat",
            "--format",
            "ptc",
            "--format",
            "jsonl",
            "-o",
            str(tmp_path / "m"),
        ],
    )
    assert mismatch.exit_code == 2 and "once for each --data" in mismatch.output


def test_exports_with_either_attention_name_the_same_parameters(tmp_path: Path) -> None:
    import onnx

    from multilingual_fixtures import write_tiny_encoder
    from unspin.training.export import export_fp32
    from unspin.training.warm_start import parameter_names

    model = SpanTagger.from_pretrained(write_tiny_encoder(tmp_path / "encoder"), 3, 2)
    export_fp32(model, tmp_path / "eager.onnx")
    model.encoder.set_attn_implementation("sdpa")
    torch.onnx.export(
        ExportWrapper(model).eval(),
        (torch.tensor([[0, 7, 9, 2]]), torch.ones(1, 4, dtype=torch.long)),
        str(tmp_path / "sdpa.onnx"),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits", "hidden"],
        opset_version=17,
        dynamo=False,
    )
    graphs = [onnx.load(str(tmp_path / f"{kind}.onnx")).graph for kind in ("eager", "sdpa")]
    eager, sdpa = (parameter_names(graph) for graph in graphs)
    assert set(eager.values()) == set(sdpa.values())
    read = [onnx_weights(tmp_path / f"{kind}.onnx") for kind in ("eager", "sdpa")]
    for name, value in read[0].items():
        np.testing.assert_array_equal(value, read[1][name])
