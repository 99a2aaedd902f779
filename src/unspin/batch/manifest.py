"""The manifest of a batch output folder: what the run reads, with which model, what is done.

A batch output folder holds ``manifest.json`` and the Parquet tables ``analyses/`` and
``spans/`` (``unspin.batch.table``). This module needs nothing beyond the standard library.

``OUTDIR/manifest.json`` is rewritten (atomically) after each finished shard. It holds the
layout version, the models the run may use (name, version, fingerprint; the default first:
each document is read by the model for its language, unless ``--model`` fixed one), the
threshold, the shard size, every input file (path, size, modification time) and, per finished
shard, how many records, documents and spans it holds and each bad record (where, and why).
Which model read a document is in its row of the tables. A run into a folder whose manifest
names other models, threshold, shard size or other inputs is refused: its shards would not fit
together.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unspin.errors import UnspinError
from unspin.formats.documents import document_files
from unspin.schema import ModelInfo

BATCH_SCHEMA = "unspin.batch/3"
"""Version of the layout of a batch output folder (tables and manifest)."""
OLDER_SCHEMAS = ("unspin.batch/2",)
"""Layouts still read: /2's manifest names one ``model``, and its tables lack the column
``model_evaluated_languages``."""
MANIFEST_NAME = "manifest.json"
ANALYSES_DIR = "analyses"
SPANS_DIR = "spans"


class ManifestMismatchError(UnspinError, ValueError):
    """The output folder holds a run with other settings or inputs than this one."""


@dataclass(frozen=True)
class InputFile:
    """One input file as it was when the run started."""

    path: str
    bytes: int
    modified_ns: int


@dataclass(frozen=True)
class BadRecord:
    """A record that could not be read or analysed, and why."""

    position: int
    where: str
    reason: str


@dataclass
class ShardEntry:
    """A finished shard: records read, documents written, spans found, bad records."""

    records: int
    documents: int
    spans: int
    bad: list[BadRecord] = field(default_factory=list)


@dataclass
class Manifest:
    """What a batch output folder holds; see the module docstring."""

    models: list[ModelInfo]
    threshold: float | None
    shard_size: int
    inputs: list[InputFile]
    shards: dict[int, ShardEntry] = field(default_factory=dict)
    complete: bool = False
    created: str = field(default_factory=lambda: _now())
    updated: str = field(default_factory=lambda: _now())

    @property
    def documents(self) -> int:
        return sum(shard.documents for shard in self.shards.values())

    @property
    def spans(self) -> int:
        return sum(shard.spans for shard in self.shards.values())

    @property
    def bad(self) -> list[BadRecord]:
        return [bad for index in sorted(self.shards) for bad in self.shards[index].bad]

    def check_matches(self, other: Manifest, outdir: Path) -> None:
        """Raise ManifestMismatchError unless ``other`` (a new run's) may continue this one,
        the run in ``outdir``."""
        if self.models != other.models:
            raise ManifestMismatchError(
                f"{outdir} holds analyses by {_models(self.models)}, not "
                f"{_models(other.models)}; write these models' analyses into another folder"
            )
        if self.threshold != other.threshold:
            raise ManifestMismatchError(
                f"{outdir} was written with {_threshold(self.threshold)}, not "
                f"{_threshold(other.threshold)}; use the same --threshold or another folder"
            )
        if self.shard_size != other.shard_size:
            raise ManifestMismatchError(
                f"{outdir} was written in shards of {self.shard_size} records, "
                f"not {other.shard_size}"
            )
        if self.inputs != other.inputs:
            raise ManifestMismatchError(
                f"{outdir} was written from other inputs (or they changed since): "
                f"{_differences(self.inputs, other.inputs)}; give the same inputs or use "
                "another folder"
            )

    def save(self, outdir: Path) -> None:
        """Write the manifest to ``outdir`` atomically."""
        self.updated = _now()
        data = {"schema": BATCH_SCHEMA, **asdict(self)}
        data["models"] = [model.to_dict() for model in self.models]
        data["shards"] = {str(index): asdict(entry) for index, entry in sorted(self.shards.items())}
        partial = outdir / f".{MANIFEST_NAME}.tmp"
        partial.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        os.replace(partial, outdir / MANIFEST_NAME)

    @classmethod
    def load(cls, outdir: Path) -> Manifest | None:
        """The manifest in ``outdir``, or None when there is none."""
        path = outdir / MANIFEST_NAME
        if not path.exists():
            return None
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if data.get("schema") not in (BATCH_SCHEMA, *OLDER_SCHEMAS):
            raise ManifestMismatchError(
                f"{path} is of layout {data.get('schema')!r}; this unspin writes {BATCH_SCHEMA!r}"
            )
        return cls(
            models=[ModelInfo.from_dict(m) for m in data.get("models") or [data["model"]]],
            threshold=data["threshold"],
            shard_size=int(data["shard_size"]),
            inputs=[InputFile(**item) for item in data["inputs"]],
            shards={
                int(index): ShardEntry(
                    records=entry["records"],
                    documents=entry["documents"],
                    spans=entry["spans"],
                    bad=[BadRecord(**bad) for bad in entry["bad"]],
                )
                for index, entry in data["shards"].items()
            },
            complete=bool(data["complete"]),
            created=data["created"],
            updated=data["updated"],
        )


def is_batch_output(path: Path) -> bool:
    """Whether ``path`` is a folder written by ``unspin batch``."""
    return (path / MANIFEST_NAME).is_file() and (path / ANALYSES_DIR).is_dir()


def list_inputs(paths: list[Path]) -> list[InputFile]:
    """Every file the run reads, in reading order (folders expanded as the readers do)."""
    files: list[InputFile] = []
    for path in paths:
        for file in document_files(path):
            stat = file.stat() if file.exists() else None
            files.append(
                InputFile(
                    str(file.resolve()),
                    stat.st_size if stat else -1,
                    stat.st_mtime_ns if stat else -1,
                )
            )
    return files


def _differences(old: list[InputFile], new: list[InputFile]) -> str:
    old_by_path = {item.path: item for item in old}
    new_by_path = {item.path: item for item in new}
    changes = [f"{p} is new" for p in new_by_path if p not in old_by_path]
    changes += [f"{p} is not given" for p in old_by_path if p not in new_by_path]
    changes += [
        f"{p} changed" for p, item in new_by_path.items() if old_by_path.get(p) not in (None, item)
    ]
    if not changes:
        changes = ["the files are given in another order"]
    shown = "; ".join(changes[:3])
    return shown + (f" (and {len(changes) - 3} more)" if len(changes) > 3 else "")


def _models(models: list[ModelInfo]) -> str:
    return " or ".join(
        f"{m.name} {m.version}" + (f" (fingerprint {m.fingerprint})" if m.fingerprint else "")
        for m in models
    )


def _threshold(value: float | None) -> str:
    return "the model's own threshold" if value is None else f"threshold {value}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


__all__ = [
    "ANALYSES_DIR",
    "BATCH_SCHEMA",
    "MANIFEST_NAME",
    "SPANS_DIR",
    "BadRecord",
    "InputFile",
    "Manifest",
    "ManifestMismatchError",
    "ShardEntry",
    "is_batch_output",
    "list_inputs",
]
