"""The model folder contract: what a folder holds, how it is read and how it is written.

A model folder holds an ONNX encoder (``model.onnx``: ids and mask in, token ``logits`` and
``hidden`` states out), its tokenizer, the span head (one linear layer run in numpy), and
``config.json`` with the channels, techniques, window geometry and tuned decoding settings.
Every fact about that layout lives here; training writes folders and the Analyzer reads them
through this module only.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspin.errors import UnspinError
from unspin.inference.span_features import N_SURFACE_FEATURES
from unspin.inference.windows import (
    CONTEXT_TOKENS,
    LANDMARK_EVERY,
    TokenizedText,
    Window,
    plan_aligned_windows,
)
from unspin.schema import ModelInfo

MODEL_FORMAT = "unspin.model/1"
CONFIG_FILE = "config.json"
ONNX_FILE = "model.onnx"
FP32_ONNX_FILE = "model.fp32.onnx"
"""The unquantised export training keeps beside ``model.onnx`` (not shipped)."""
TOKENIZER_FILE = "tokenizer.json"
SPAN_HEAD_FILE = "span_head.npz"
CARD_FILE = "MODEL_CARD.md"
PROPAGANDA_CHANNEL = "propaganda"
"""The technique-agnostic token channel, always the first one."""
DEFAULT_MAX_LENGTH = 256
"""Tokens per model window, [CLS] and [SEP] included."""
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"


def channels_for(techniques: list[str]) -> list[str]:
    """The token channels of a model naming ``techniques``: ``propaganda`` first, then each."""
    return [PROPAGANDA_CHANNEL, *techniques]


def default_stride(max_length: int) -> int:
    """Tokens between window starts when a model does not say: three quarters of a window."""
    return (max_length - 2) * 3 // 4


def span_head_inputs(hidden_size: int) -> int:
    """Inputs of the span head: mean, first and last hidden state of a span, surface features."""
    return 3 * hidden_size + N_SURFACE_FEATURES


class ModelError(UnspinError, RuntimeError):
    """A model folder that is missing, incomplete or of an unknown format."""


@dataclass
class Decoding:
    """How token probabilities become spans; tuned on validation data by ``unspin train``.

    A token's evidence is the mean of the any-technique channel and the strongest technique
    channel. ``span_threshold`` is the evidence at which a span starts (it maps to score 0.5, the
    default analysis threshold); neighbouring tokens within ``extend_margin`` logits below the
    threshold extend the span, and gaps of up to ``max_gap`` tokens inside it are bridged. The
    span classifier names each span; a runner-up technique with probability of at least
    ``second_label`` is reported as well (1.0: never). Where one technique's own channel reaches
    ``technique_threshold`` and no span names that technique there, its run is a span of its own
    (1.0: never).
    """

    span_threshold: float = 0.5
    extend_margin: float = 0.0
    max_gap: int = 0
    second_label: float = 1.0
    technique_threshold: float = 1.0
    technique_bias: list[float] = field(default_factory=list)
    """Logit offsets per technique added to the span classifier's output (empty: none); tuned
    on dev to maximise technique-classification micro-F1."""
    channel_thresholds: list[float] = field(default_factory=list)
    """Per technique (in ``techniques`` order), the probability of its own token channel from
    which a run of it is a span (1.0: never). When given, spans come from the technique channels
    alone and the span classifier is not used: for annotations whose spans of different
    techniques overlap freely (ArAIEval). Empty: spans are detected, then named."""


@dataclass
class ModelConfig:
    """What ``config.json`` in a model folder holds."""

    name: str
    version: str
    channels: list[str]
    """Token-level output channels: ``propaganda`` (any technique) then one per technique."""
    techniques: list[str]
    """Classes of the span classifier (``classify_spans``), in output order."""
    decoding: Decoding = field(default_factory=Decoding)
    max_length: int = DEFAULT_MAX_LENGTH
    stride: int = default_stride(DEFAULT_MAX_LENGTH)
    onnx_file: str = ONNX_FILE
    tokenizer_file: str = TOKENIZER_FILE
    span_head_file: str = SPAN_HEAD_FILE
    text_expert_file: str = ""
    """The technique classifier's text model (``technique_text.npz``); empty: none."""
    base_encoder: str = ""
    languages: list[str] = field(default_factory=lambda: ["en"])
    """ISO 639 codes of the languages the model reads (a config without them: English)."""
    evaluated_languages: list[str] | None = None
    """The languages among ``languages`` whose scores were measured (None: all of them)."""
    context_tokens: int = CONTEXT_TOKENS
    """Tokens of context read on each side of a window core (``windows``)."""
    landmark_every: int = LANDMARK_EVERY
    """One sentence or paragraph in this many, chosen by its text, starts a window core."""
    saturation_free: bool = False
    """The int8 weights are bounded so that no x86 int8 kernel saturates
    (``training.exact_int8``): the same outputs on every x86 CPU, with the fast kernel."""
    metrics: dict[str, Any] = field(default_factory=dict)
    format: str = MODEL_FORMAT

    @property
    def window_tokens(self) -> int:
        """Content tokens per window (``max_length`` minus [CLS] and [SEP])."""
        return self.max_length - 2

    def windows(self, text: str, tokens: TokenizedText) -> list[Window]:
        """The model windows of ``text`` (tokenised as ``tokens``), cut as this model reads."""
        return plan_aligned_windows(
            text, tokens, self.window_tokens, self.context_tokens, self.landmark_every
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def save(self, folder: Path) -> None:
        (folder / CONFIG_FILE).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ModelConfig:
        path = folder / CONFIG_FILE
        if not path.is_file():
            raise ModelError(f"{folder}: not a model folder (no {CONFIG_FILE})")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ModelError(f"{path}: invalid JSON ({error})") from None
        if data.get("format") != MODEL_FORMAT:
            raise ModelError(f"{path}: unknown model format {data.get('format')!r}")
        known = set(cls.__dataclass_fields__)
        fields = {k: v for k, v in data.items() if k in known}
        try:
            fields["decoding"] = Decoding(**fields.get("decoding", {}))
            config = cls(**fields)
        except TypeError as error:
            raise ModelError(f"{path}: unexpected settings ({error})") from None
        for what, values in (
            ("technique offsets", config.decoding.technique_bias),
            ("channel thresholds", config.decoding.channel_thresholds),
        ):
            if values and len(values) != len(config.techniques):
                raise ModelError(
                    f"{path}: {len(values)} {what} for {len(config.techniques)} techniques"
                )
        return config

    def fingerprint(self, folder: Path) -> str:
        """A digest of the model files and the settings that decide its outputs.

        Two folders with the same name and version but other weights or decoding settings
        get different fingerprints; the scores in ``metrics`` and the languages claimed do not
        count.
        """
        digest = hashlib.sha256()
        # saturation_free picks a kernel that computes the same outputs: no setting of outputs.
        claims = ("metrics", "languages", "evaluated_languages", "saturation_free")
        settings = {k: v for k, v in asdict(self).items() if k not in claims}
        # Settings added later count only when used, so older folders keep their fingerprint.
        if not self.text_expert_file:
            del settings["text_expert_file"]
        if not self.decoding.channel_thresholds:
            del settings["decoding"]["channel_thresholds"]
        for name, default in (
            ("context_tokens", CONTEXT_TOKENS),
            ("landmark_every", LANDMARK_EVERY),
        ):
            if settings[name] == default:
                del settings[name]
        digest.update(json.dumps(settings, sort_keys=True).encode("utf-8"))
        files = (self.onnx_file, self.tokenizer_file, self.span_head_file, self.text_expert_file)
        for file in filter(None, files):
            path = folder / file
            if path.is_file():
                with path.open("rb") as handle:
                    digest.update(hashlib.file_digest(handle, "sha256").digest())
        return digest.hexdigest()[:16]

    def info(self, folder: Path) -> ModelInfo:
        """The :class:`ModelInfo` every analysis by the model in ``folder`` carries."""
        evaluated = self.evaluated_languages
        return ModelInfo(
            self.name,
            self.version,
            self.fingerprint(folder),
            tuple(self.languages),
            tuple(evaluated) if evaluated is not None else None,
        )

    def require_files(self, folder: Path, onnx: bool = True) -> None:
        """Raise ModelError unless ``folder`` holds the files this config names."""
        files = [self.tokenizer_file, self.span_head_file] + ([self.onnx_file] if onnx else [])
        for file in filter(None, [*files, self.text_expert_file]):
            if not (folder / file).is_file():
                raise ModelError(f"{folder}: model file {file} is missing")


@dataclass(frozen=True)
class SpanHead:
    """The span classifier's weights: ``weight`` (inputs, techniques) and ``bias`` (techniques)."""

    weight: np.ndarray
    bias: np.ndarray

    @property
    def hidden_size(self) -> int:
        """Width of the encoder's hidden states this head reads."""
        return (int(self.weight.shape[0]) - N_SURFACE_FEATURES) // 3

    def save(self, folder: Path) -> None:
        np.savez(
            folder / SPAN_HEAD_FILE,
            weight=self.weight.astype(np.float32),
            bias=self.bias.astype(np.float32),
        )

    @classmethod
    def load(cls, folder: Path, config: ModelConfig) -> SpanHead:
        """The head in ``folder``; refused unless it fits ``config``'s techniques."""
        path = folder / config.span_head_file
        try:
            with np.load(path) as arrays:
                weight = arrays["weight"].astype(np.float32)
                bias = arrays["bias"].astype(np.float32)
        except (OSError, KeyError, ValueError) as error:
            raise ModelError(f"{path}: not a span head ({error})") from None
        n = len(config.techniques)
        inputs = weight.shape[0] if weight.ndim == 2 else 0
        if (
            weight.shape != (inputs, n)
            or bias.shape != (n,)
            or inputs <= N_SURFACE_FEATURES
            or span_head_inputs((inputs - N_SURFACE_FEATURES) // 3) != inputs
        ):
            raise ModelError(
                f"{path}: weights of shape {weight.shape} and {bias.shape} do not fit "
                f"{n} techniques"
            )
        return cls(weight, bias)


SHIPPED_MODELS = {"fast": DEFAULT_MODEL_DIR}
"""Models that ship in the package, by the name a user may give instead of a folder."""
MODEL_ENTRY_POINTS = "unspin.models"
"""Entry-point group of model packages: each names a module whose ``MODEL_DIR`` is a model
folder (models beyond the default ship as pip packages of their own, as spaCy's do); the entry
point's name (``multilingual``) is a name a user may give."""


def resolve_model_dir(model: str | Path | None) -> Path:
    """The folder ``model`` names (a folder, a shipped model's name such as ``fast``, an
    installed model package's name such as ``multilingual`` or its model's name), or the
    shipped default when ``model`` is None."""
    if model is None:
        return DEFAULT_MODEL_DIR
    folder = Path(model)
    if folder.is_dir():
        return folder
    names = model_names()
    if str(model) in names:
        return names[str(model)]
    raise ModelError(
        f"{folder}: model folder not found (and no installed model of that name; installed: "
        f"{', '.join(sorted(names))})"
    )


def model_names() -> dict[str, Path]:
    """Every name that a user may give for an installed model, with its folder: a shipped
    model's (``fast``), a model package's (``multilingual``) and each model's own name."""
    names = {config.name: folder for folder, config in installed_models().items()}
    names.update(_packaged_models())
    names.update(SHIPPED_MODELS)
    return names


def _packaged_models() -> dict[str, Path]:
    """Entry-point name -> model folder of the installed model packages that hold a model."""
    found = {}
    for entry in importlib.metadata.entry_points(group=MODEL_ENTRY_POINTS):
        folder = Path(getattr(importlib.import_module(entry.value), "MODEL_DIR", ""))
        if (folder / CONFIG_FILE).is_file():
            found[entry.name] = folder
    return found


def installed_models() -> dict[Path, ModelConfig]:
    """The model folders shipped inside the unspin package and by installed model packages,
    with their configs."""
    folders = sorted(p for p in DEFAULT_MODEL_DIR.parent.iterdir() if (p / CONFIG_FILE).is_file())
    found = {folder: ModelConfig.load(folder) for folder in folders}
    found.update({folder: ModelConfig.load(folder) for folder in _packaged_models().values()})
    return found


def models_reading(language: str) -> list[Path]:
    """The installed model folders whose model reads ``language`` (an ISO 639 code)."""
    return [folder for folder, config in installed_models().items() if language in config.languages]
