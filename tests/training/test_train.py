"""Training runs end to end on a tiny corpus, and the ONNX graph computes what torch computes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch
from click.testing import CliRunner

from unspin.cli.train import train_command
from unspin.inference import Analyzer
from unspin.inference.model_folder import FP32_ONNX_FILE, ModelConfig
from unspin.inference.windows import TokenizedText, Window
from unspin.training.config import TrainConfig, default_encoder_path
from unspin.training.data import build_examples, default_techniques, load_ptc
from unspin.training.export import export_onnx
from unspin.training.model import SpanTagger
from unspin.training.prepare import load_split


def test_train_command_writes_a_loadable_model_folder(tiny_ptc: Path, tmp_path: Path) -> None:
    output = tmp_path / "model"
    result = CliRunner().invoke(
        train_command,
        [
            "--ptc",
            str(tiny_ptc),
            "-o",
            str(output),
            "--epochs",
            "1",
            "--max-steps",
            "2",
            "--batch-size",
            "2",
            "--max-length",
            "64",
            "--name",
            "newsroom-tagger",
            "--version",
            "0.1.0-test",
            "--propaganda-loss-share",
            "0.3",
        ],
    )
    assert result.exit_code == 0, result.output
    config = ModelConfig.load(output)
    assert config.channels[0] == "propaganda"
    assert (config.name, config.version) == ("newsroom-tagger", "0.1.0-test")
    assert config.techniques == default_techniques()
    assert 0.0 < config.decoding.span_threshold < 1.0, "decoding tuned on the dev split"
    assert "test" in config.metrics and "si_f1" in config.metrics["test"]["overall"]
    card = (output / "MODEL_CARD.md").read_text()
    assert card.startswith("# Model card")
    expected = (
        "--propaganda-loss-share 0.3 --max-length 64 --name newsroom-tagger --version 0.1.0-test"
    )
    assert expected in card
    log = [json.loads(line) for line in (output / "runs.jsonl").read_text().splitlines()]
    assert log[-1]["config"]["max_steps"] == 2
    assert log[-1]["config"]["propaganda_loss_share"] == 0.3

    analyzer = Analyzer(output)
    text = "The radical mayor and his corrupt cronies are destroying everything we love."
    analysis = analyzer.analyze(text, threshold=0.0)
    assert analysis.spans, "threshold 0 keeps every token run"
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.technique in config.techniques


def test_examples_label_tokens_inside_gold_spans(tiny_ptc: Path) -> None:
    from unspin.inference.windows import TextEncoder

    encoder = TextEncoder.from_file(default_encoder_path() / "tokenizer.json")
    pairs = [p for p in load_ptc(tiny_ptc) if p[0].id == "1002"]
    techniques = default_techniques()
    (example,) = build_examples(pairs, encoder, techniques, window_tokens=254, stride=192)
    document, _ = pairs[0]
    tokens = encoder.encode(document.text)
    loaded = 1 + techniques.index("Loaded_Language")
    labelled = np.flatnonzero(example.token_targets[1:-1, loaded])
    words = {document.text[tokens.offsets[i][0] : tokens.offsets[i][1]] for i in labelled}
    assert words == {"disastrous"}
    assert example.token_targets[0].sum() == 0 and example.token_targets[-1].sum() == 0
    assert len(example.span_tokens) == 2
    assert np.allclose(example.span_targets.sum(axis=1), 1.0)


def test_onnx_export_matches_torch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = SpanTagger.from_pretrained(default_encoder_path(), n_channels=15, n_techniques=14)
    model.eval()
    export_onnx(model, tmp_path, quantize=True, log=lambda _: None)
    import onnxruntime as ort

    ids = torch.tensor(
        [[101, 7592, 2088, 2003, 1037, 3231, 102, 0], [101, 2307, 102, 0, 0, 0, 0, 0]]
    )
    mask = (ids != 0).long()
    with torch.inference_mode():
        logits, hidden = model(ids, mask)
    feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    fp32 = ort.InferenceSession(str(tmp_path / FP32_ONNX_FILE), providers=["CPUExecutionProvider"])
    onnx_logits, onnx_hidden = fp32.run(None, feeds)
    real = mask.numpy().astype(bool)
    np.testing.assert_allclose(onnx_logits[real], logits.numpy()[real], atol=1e-4)
    np.testing.assert_allclose(onnx_hidden[real], hidden.numpy()[real], atol=1e-4)

    int8 = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    _, q_hidden = int8.run(None, feeds)
    # int8 weights approximate the encoder: same representation up to quantisation noise.
    correlation = np.corrcoef(q_hidden[real].ravel(), hidden.numpy()[real].ravel())[0, 1]
    assert correlation > 0.95


def test_training_scores_the_mean_of_the_last_epochs(tiny_ptc: Path, tmp_path: Path) -> None:
    output = tmp_path / "model"
    arguments = ["--ptc", str(tiny_ptc), "-o", str(output), "--epochs", "2"]
    arguments += ["--batch-size", "64", "--max-length", "64", "--average-last", "2"]
    result = CliRunner().invoke(train_command, [*arguments, "--version", "0.1.0-test"])
    assert result.exit_code == 0, result.output
    log = [json.loads(line) for line in (output / "runs.jsonl").read_text().splitlines()]
    epochs = [entry["epoch"] for entry in log[-1]["history"]]
    assert epochs == [1, 2, "mean of last 2"]
    assert "dev_si_f1" in log[-1]["history"][-1]
    card = (output / "MODEL_CARD.md").read_text()
    assert "--max-length 64 --average-last 2" in card
    assert "mean weights of the last 2 epochs" in card


def test_a_model_trained_on_inference_windows_reads_the_context_it_was_trained_with(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    output = tmp_path / "model"
    arguments = ["--ptc", str(tiny_ptc), "-o", str(output), "--epochs", "1", "--max-length", "64"]
    arguments += ["--batch-size", "64", "--context", "4", "--train-on-inference-windows"]
    result = CliRunner().invoke(train_command, [*arguments, "--version", "0.1.0-test"])
    assert result.exit_code == 0, result.output
    assert ModelConfig.load(output).context_tokens == 4
    assert TrainConfig.load(output).aligned_windows
    assert "training read the same windows" in (output / "MODEL_CARD.md").read_text()


def test_examples_can_be_cut_as_inference_cuts_them(tiny_ptc: Path) -> None:
    from unspin.inference.windows import TextEncoder, plan_aligned_windows

    encoder = TextEncoder.from_file(default_encoder_path() / "tokenizer.json")
    pairs = load_ptc(tiny_ptc)
    techniques = default_techniques()

    def windows_of(text: str, tokens: TokenizedText) -> list[Window]:
        return plan_aligned_windows(text, tokens, 12, 2)

    examples = build_examples(pairs, encoder, techniques, 12, 9, windows_of=windows_of)
    planned = [w for d, _ in pairs for w in windows_of(d.text, encoder.encode(d.text))]
    assert len(examples) == len(planned) > len(pairs)
    assert [len(e.input_ids) for e in examples] == [w.end - w.start + 2 for w in planned]
    strided = build_examples(pairs, encoder, techniques, 12, 9)
    assert [len(e.input_ids) for e in strided] != [len(e.input_ids) for e in examples]


def test_a_model_can_keep_only_the_bottom_layers_of_its_encoder(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    import onnx

    output = tmp_path / "model"
    arguments = ["--ptc", str(tiny_ptc), "-o", str(output), "--epochs", "1", "--max-length", "64"]
    arguments += ["--batch-size", "64", "--layers", "2", "--version", "0.1.0-test"]
    result = CliRunner().invoke(train_command, arguments)
    assert result.exit_code == 0, result.output
    config = ModelConfig.load(output)
    graph = onnx.load(str(output / config.onnx_file)).graph
    layers = {part for node in graph.node for part in node.name.split("/") if "layer." in part}
    assert layers == {"layer.0", "layer.1"}
    assert "bottom 2 layers" in config.base_encoder
    assert "--layers 2" in (output / "MODEL_CARD.md").read_text()
    analysis = Analyzer(output).analyze("Only cowards and traitors would vote against it.", 0.0)
    assert analysis.spans, "threshold 0 keeps every token run"

    # Fine-tuning it again without --layers keeps its depth (as for the shipped 4-layer model).
    again = tmp_path / "again"
    arguments = ["--ptc", str(tiny_ptc), "-o", str(again), "--init", str(output), "--max-steps"]
    result = CliRunner().invoke(train_command, [*arguments, "1", "--max-length", "64"])
    assert result.exit_code == 0, result.output
    assert f"--init {output} has 2 encoder layers: keeping the bottom 2" in result.output
    assert "--layers 2" in (again / "MODEL_CARD.md").read_text()


def test_more_layers_than_the_encoder_has_is_a_clear_error(tiny_ptc: Path, tmp_path: Path) -> None:
    arguments = ["--ptc", str(tiny_ptc), "-o", str(tmp_path / "model"), "--layers", "7"]
    result = CliRunner().invoke(train_command, arguments)
    assert result.exit_code != 0
    assert "--layers 7" in result.output and "6 layers" in result.output


def test_a_training_seed_draws_another_run_on_the_same_split(
    tiny_ptc: Path, tmp_path: Path
) -> None:
    small = ["--ptc", str(tiny_ptc), "--epochs", "1", "--max-steps", "1", "--max-length", "64"]
    heads, dev_ids = [], []
    for training_seed in ("1", "2"):
        output = tmp_path / f"run-{training_seed}"
        arguments = [*small, "-o", str(output), "--training-seed", training_seed, "--no-quantize"]
        result = CliRunner().invoke(train_command, arguments)
        assert result.exit_code == 0, result.output
        assert f"--training-seed {training_seed}" in (output / "MODEL_CARD.md").read_text()
        heads.append(np.load(output / "span_head.npz")["weight"])
        dev_ids.append([d.id for d, _ in load_split(TrainConfig.load(output)).dev])
    assert dev_ids[0] == dev_ids[1], "the article split follows --seed alone"
    assert not np.allclose(heads[0], heads[1]), "another draw of weights and batches"
