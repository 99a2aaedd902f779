"""Label Studio tasks JSON: pre-annotations (``predictions``) in, corrections (``annotations``) out.

A task is ``{"data": {"text", "id", ...document fields}, "predictions" | "annotations": [...]}``;
each span is a ``labels`` result whose ``value`` holds ``start``, ``end`` (code points, as Label
Studio stores them), the covered ``text`` (checked when read) and the technique's name as it is
(:func:`labelling_config` shows the taxonomy's names with their display names and colours).
Spans a model made are written as a prediction named by ``model_version`` with each span's
``score`` and, as the prediction's score, the lowest span score (so sorting tasks by it brings
the least certain first); spans people made are written as an annotation.

Reading a file (an import file or an export): when any task has an annotation that was not
cancelled, annotations are read (the ground truth where one is marked, else the last one) and
tasks without one are left out; otherwise predictions are read (the last one of each task).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from unspin.formats.annotated import Annotated, Annotations, Capacity, check_fragment, losses
from unspin.formats.errors import FormatError
from unspin.formats.text import read_text_file
from unspin.schema import Document, ModelInfo, SchemaError, Span
from unspin.taxonomy import TECHNIQUES

CAPACITY = Capacity(scores=True, metadata=True, model=True)
FROM_NAME = "technique"
TO_NAME = "text"
_MAX_JSON_BYTES = 500_000_000
_DOCUMENT_FIELDS = ("id", "text", "title", "source", "url", "published", "language", "author")


def labelling_config() -> str:
    """Label Studio's labelling config for unspin's techniques, in the taxonomy's colours.

    A label's value (what results hold) is the technique's corpus name; its button shows the
    display name, with the definition as the hint.
    """
    labels = "\n".join(
        f"    <Label value={quoteattr(t.name)} html={quoteattr(escape(t.display_name))} "
        f"background={quoteattr(t.color)} hint={quoteattr(t.definition)}/>"
        for t in TECHNIQUES
    )
    return (
        "<View>\n"
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
        f"{labels}\n"
        "  </Labels>\n"
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        "</View>\n"
    )


def write_label_studio(path: Path, items: list[Annotated]) -> list[str]:
    """Write ``items`` as Label Studio tasks, one a line; return what the format cannot hold."""
    lines = ",\n".join(json.dumps(_task(item), ensure_ascii=False) for item in items)
    path.write_text(f"[\n{lines}\n]\n" if items else "[]\n", encoding="utf-8")
    return losses("Label Studio", items, CAPACITY)


def label_results(text: str, spans: list[Span], scored: bool) -> list[dict[str, Any]]:
    """Label Studio ``labels`` results for ``spans`` of ``text`` (with each span's score when
    ``scored``, as in a prediction), as its editor saves them."""
    return [
        {
            "id": f"s{number}",
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": span.text_in(text),
                "labels": [span.technique],
            },
            **({"score": span.score} if scored else {}),
        }
        for number, span in enumerate(spans, start=1)
    ]


def _task(item: Annotated) -> dict[str, Any]:
    document = item.document
    data = {k: v for k, v in document.to_dict().items() if v not in (None, {})}
    results = label_results(document.text, item.spans, item.model is not None)
    if item.model is None:
        return {"data": data, "annotations": [{"result": results}]}
    prediction: dict[str, Any] = {
        "model_version": f"{item.model.name} {item.model.version}",
        "result": results,
    }
    if item.spans:
        prediction["score"] = min(span.score for span in item.spans)
    return {"data": data, "predictions": [prediction]}


def read_label_studio(path: Path) -> Annotations:
    """Read tasks (an import file or a JSON export) as annotated documents."""
    try:
        loaded = json.loads(read_text_file(path, max_bytes=_MAX_JSON_BYTES))
    except json.JSONDecodeError as error:
        raise FormatError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    tasks = [loaded] if isinstance(loaded, dict) else loaded
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise FormatError(path, "expected a JSON list of Label Studio tasks")
    reader = _TaskReader(path, annotated=any(_kept_annotations(t) for t in tasks))
    items = [item for index, task in enumerate(tasks) if (item := reader.read(index, task))]
    return Annotations(items, reader.notes())


def _kept_annotations(task: dict[str, Any]) -> list[dict[str, Any]]:
    found = task.get("annotations") or []
    return [a for a in found if isinstance(a, dict) and not a.get("was_cancelled")]


class _TaskReader:
    """Reads tasks one by one, counting what it leaves out so that it can be said once."""

    def __init__(self, path: Path, annotated: bool) -> None:
        self.path = path
        self.annotated = annotated
        self.counts: Counter[str] = Counter()

    def read(self, index: int, task: dict[str, Any]) -> Annotated | None:
        where = f"task {index}"
        document = self._document(where, index, task)
        cancelled = len(task.get("annotations") or []) - len(_kept_annotations(task))
        self.counts["cancelled annotations"] += cancelled
        if self.annotated:
            kept = _kept_annotations(task)
            if not kept:
                self.counts["tasks without an annotation (left out)"] += 1
                return None
            if len(kept) > 1:
                self.counts["tasks with several annotations"] += 1
            chosen = next((a for a in kept if a.get("ground_truth")), kept[-1])
            return Annotated(document, self._spans(where, document.text, chosen, False))
        return self._predicted(where, document, task)

    def _predicted(self, where: str, document: Document, task: dict[str, Any]) -> Annotated:
        listed = task.get("predictions") or []
        predictions = [p for p in listed if isinstance(p, dict)]
        if len(predictions) < len(listed):
            self.counts["tasks whose predictions are ids only (read them from /api/tasks)"] += 1
        if not listed:
            self.counts["tasks with neither annotations nor predictions"] += 1
        if not predictions:
            return Annotated(document, [])
        if len(predictions) > 1:
            self.counts["tasks with several predictions (the last was read)"] += 1
        chosen = predictions[-1]
        spans = self._spans(where, document.text, chosen, True)
        return Annotated(document, spans, _model(chosen.get("model_version")))

    def _document(self, where: str, index: int, task: dict[str, Any]) -> Document:
        data = task.get("data", task)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise FormatError(self.path, f"{where}: expected 'data' with a 'text' string")
        record = {k: v for k, v in data.items() if k in _DOCUMENT_FIELDS and v is not None}
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise FormatError(self.path, f"{where}: 'metadata' must be an object")
        extra = {k: v for k, v in data.items() if k not in (*_DOCUMENT_FIELDS, "metadata")}
        record["id"] = str(record.get("id") or task.get("id") or index)
        record["metadata"] = {**metadata, **extra}
        try:
            return Document.from_dict(record)
        except SchemaError as error:
            raise FormatError(self.path, f"{where}: {error}") from None

    def _spans(self, where: str, text: str, source: dict[str, Any], scored: bool) -> list[Span]:
        results = source.get("result") or []
        if not isinstance(results, list):
            raise FormatError(self.path, f"{where}: 'result' must be a list")
        spans = []
        for result in results:
            value = result.get("value") if isinstance(result, dict) else None
            if not isinstance(value, dict) or not isinstance(value.get("labels"), list):
                self.counts["results other than text labels"] += 1
                continue
            score = result.get("score") if scored else None
            for label in value["labels"]:
                try:
                    span = Span(
                        value["start"],
                        value["end"],
                        label,
                        1.0 if score is None else float(score),
                    )
                except (KeyError, TypeError, ValueError, SchemaError) as error:
                    raise FormatError(
                        self.path, f"{where}: bad result {value!r} ({error})"
                    ) from None
                check_fragment(self.path, where, text, span, value.get("text"))
                spans.append(span)
        return spans

    def notes(self) -> list[str]:
        read = "annotations" if self.annotated else "predictions"
        counted = ", ".join(f"{count} {what}" for what, count in self.counts.items() if count)
        return [f"Label Studio: read {read}; {counted}"] if counted else []


def _model(version: Any) -> ModelInfo:
    """The model a prediction's ``model_version`` names (``NAME VERSION`` as unspin writes it)."""
    text = str(version or "").strip() or "unknown"
    name, _, number = text.rpartition(" ")
    return ModelInfo(name, number) if name else ModelInfo(text, "")
