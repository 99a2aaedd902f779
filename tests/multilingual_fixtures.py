"""A tiny multilingual set-up written by the tests: a Unigram tokenizer over a few pieces, a
3-layer BERT with random weights, and ArAIEval-style Arabic files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unspin.inference.model_folder import ModelConfig
    from unspin.training.multilingual import MultilingualConfig

NAME_CALLING = "Name_Calling-Labeling"
ITEMS = [
    ("هؤلاء الخونة يكذبون على الشعب", "الخونة", NAME_CALLING, "tweet"),
    ("إما معنا أو مع الإرهاب", "إما معنا أو مع الإرهاب", "False_Dilemma-No_Choice", "tweet"),
    ("النظام الفاسد يدمر البلاد", "الفاسد", "Loaded_Language", "tweet"),
    ("الوزير الخائن باع الوطن", "الخائن", NAME_CALLING, "tweet"),
    ("اجتمع المجلس يوم الثلاثاء", "", "", "tweet"),
    ("قال الوزير إن الخونة سيدفعون الثمن غاليا", "الخونة", NAME_CALLING, "paragraph"),
    (
        "المجرمون دمروا المدينة بالكامل",
        "دمروا المدينة بالكامل",
        "Exaggeration-Minimisation",
        "paragraph",
    ),
    (
        "إما أن ندعم القرار أو نخسر كل شيء",
        "إما أن ندعم القرار أو نخسر كل شيء",
        "False_Dilemma-No_Choice",
        "paragraph",
    ),
    ("افتتح الجسر بعد أعمال الصيانة", "", "", "paragraph"),
]
DOCUMENTS = [
    ("الخونة يبيعون الوطن كل يوم", ["Name_Calling-Labeling", "Loaded_Language"]),
    ("الطقس معتدل اليوم", ["no_technique"]),
    ("إما النصر أو الموت", ["False_Dilemma-No_Choice"]),
]


def write_araieval(folder: Path) -> tuple[Path, Path]:
    """ArAIEval-2024-style spans and ArAIEval-2023-style document labels."""
    folder.mkdir(parents=True, exist_ok=True)
    spans = folder / "spans.jsonl"
    lines = []
    for number, (text, quoted, technique, kind) in enumerate(ITEMS):
        labels = []
        if quoted:
            start = text.index(quoted)
            labels.append(
                {"start": start, "end": start + len(quoted), "technique": technique, "text": quoted}
            )
        lines.append({"id": f"s{number}", "text": text, "labels": labels, "type": kind})
    spans.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    documents = folder / "documents.jsonl"
    rows = [
        {"id": f"d{n}", "text": text, "labels": labels, "type": "tweet"}
        for n, (text, labels) in enumerate([*DOCUMENTS, (ITEMS[0][0], [NAME_CALLING])])
    ]
    documents.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), "utf-8")
    return spans, documents


def write_tiny_encoder(folder: Path) -> Path:
    """A 3-layer BERT (random weights) with a Unigram tokenizer over the fixtures' words."""
    import torch
    from transformers import BertConfig, BertModel

    from unspin.training.unigram import unigram_tokenizer

    words = sorted(
        {w for text, *_ in ITEMS for w in text.split()}
        | {w for t, _ in DOCUMENTS for w in t.split()}
    )
    letters = sorted({c for w in words for c in w})
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", *[f"▁{w}" for w in words], *letters]
    scores = [0.0] * 4 + [-2.0] + [-5.0] * len(words) + [-9.0] * len(letters)
    tokenizer = unigram_tokenizer(pieces, scores, bos=0, eos=2, pad=1, unk=3)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(pieces),
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    folder.mkdir(parents=True, exist_ok=True)
    BertModel(config, add_pooling_layer=False).save_pretrained(str(folder))
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def tiny_config(root: Path, **changes: object) -> MultilingualConfig:
    """A train-multilingual config over the fixture files and the tiny encoder, written into
    ``root`` (output ``root/model`` unless ``changes`` say otherwise)."""
    from unspin.training.multilingual import MultilingualConfig

    spans, documents = write_araieval(root / "data")
    settings: dict[str, object] = {
        "araieval24": str(spans),
        "araieval23": str(documents),
        "output": str(root / "model"),
        "encoder": str(write_tiny_encoder(root / "encoder")),
        "folds": 3,
        "freeze_layers": 2,
        "epochs": 1,
        "batch_size": 4,
        "max_length": 64,
        "threads": 1,
        **changes,
    }
    return MultilingualConfig(**settings)  # type: ignore[arg-type]


def train_tiny_multilingual(root: Path) -> Path:
    """A tiny model folder trained by train-multilingual on the fixtures (reads E5's languages,
    evaluated on Arabic and English), named ``tiny-multilingual``."""
    from unspin.training.multilingual_run import train_multilingual

    output = str(root / "tiny-multilingual")
    config = tiny_config(root, output=output, name="tiny-multilingual")
    return train_multilingual(config, log=lambda _: None)


def routed_models(multilingual: Path) -> dict[Path, ModelConfig]:
    """The Router's candidates when the shipped English model and ``multilingual`` are installed."""
    from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig

    return {
        DEFAULT_MODEL_DIR: ModelConfig.load(DEFAULT_MODEL_DIR),
        multilingual: ModelConfig.load(multilingual),
    }
