"""Label Studio tasks: predictions written, exports read, the labelling config."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotation_fixtures import MODEL
from unspin.cli.main import main
from unspin.formats.annotated import Annotated
from unspin.formats.errors import FormatError
from unspin.formats.labelstudio import labelling_config, read_label_studio, write_label_studio
from unspin.schema import Document, Span
from unspin.taxonomy import TECHNIQUES

TEXT = "Only a traitor would vote against this glorious plan."


def write(path: Path, tasks: Any) -> Path:
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def result(start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    value = {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}
    return {"type": "labels", "from_name": "technique", "to_name": "text", "value": value, **extra}


def test_predictions_carry_names_scores_and_the_least_certain_score(tmp_path: Path) -> None:
    spans = [Span(7, 14, "Name_Calling,Labeling", 0.9), Span(39, 47, "Loaded_Language", 0.4)]
    path = tmp_path / "tasks.json"
    write_label_studio(path, [Annotated(Document("op-ed", TEXT, title="T"), spans, MODEL)])
    [task] = json.loads(path.read_text(encoding="utf-8"))
    assert task["data"] == {"id": "op-ed", "text": TEXT, "title": "T"}
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "unspin-minilm-ptc 1.2.0"
    assert prediction["score"] == 0.4
    labels = [r["value"]["labels"] for r in prediction["result"]]
    assert labels == [["Name_Calling,Labeling"], ["Loaded_Language"]]
    [item] = read_label_studio(path).items
    assert item.spans == spans and item.model is not None and item.model.name == MODEL.name


def test_an_export_is_read_from_its_annotations(tmp_path: Path) -> None:
    tasks = [
        {
            "id": 11,
            "data": {"text": TEXT, "id": "a", "feed": "rss"},
            "predictions": [{"result": [result(7, 14, "Loaded_Language", score=0.3)]}],
            "annotations": [
                {"result": [result(7, 14, "Name_Calling,Labeling")], "ground_truth": True},
                {"result": [result(0, 4, "Doubt")]},
                {"result": [], "was_cancelled": True},
            ],
        },
        {"id": 12, "data": {"text": "Unseen."}, "predictions": [{"result": []}]},
        {
            "id": 13,
            "data": {"text": TEXT},
            "annotations": [
                {
                    "result": [
                        result(39, 47, "Glittering generalities (Virtue)"),
                        {"type": "choices", "value": {"choices": ["x"]}},
                    ]
                }
            ],
        },
    ]
    annotations = read_label_studio(write(tmp_path / "export.json", tasks))
    first, third = annotations.items
    assert first.document.id == "a" and first.document.metadata == {"feed": "rss"}
    assert first.spans == [Span(7, 14, "Name_Calling,Labeling")], "the ground truth wins"
    assert first.model is None
    assert third.document.id == "13" and third.spans == [
        Span(39, 47, "Glittering generalities (Virtue)")
    ]
    assert annotations.notes == [
        "Label Studio: read annotations; 1 cancelled annotations, 1 tasks with several "
        "annotations, 1 tasks without an annotation (left out), 1 results other than text labels"
    ]


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ({"data": {"text": 5}}, "expected 'data' with a 'text' string"),
        ([1, 2], "expected a JSON list of Label Studio tasks"),
        (
            [
                {
                    "data": {"text": TEXT},
                    "annotations": [
                        {
                            "result": [
                                result(7, 14, "X")
                                | {
                                    "value": {
                                        "start": 7,
                                        "end": 14,
                                        "labels": ["X"],
                                        "text": "nope",
                                    }
                                }
                            ]
                        }
                    ],
                }
            ],
            "offsets do not match the text",
        ),
        (
            [{"data": {"text": TEXT}, "annotations": [{"result": [result(50, 90, "X")]}]}],
            "beyond the text",
        ),
        (
            [
                {
                    "data": {"text": TEXT},
                    "annotations": [
                        {"result": [{"value": {"start": "a", "end": 3, "labels": ["X"]}}]}
                    ],
                }
            ],
            "bad result",
        ),
    ],
)
def test_malformed_tasks_are_refused(tmp_path: Path, tasks: Any, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_label_studio(write(tmp_path / "bad.json", tasks))
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    with pytest.raises(FormatError, match="invalid JSON"):
        read_label_studio(tmp_path / "broken.json")


def test_labelling_config_names_every_technique_in_its_colour() -> None:
    root = ET.fromstring(labelling_config())
    labels = root.find("Labels")
    assert labels is not None and labels.get("toName") == "text"
    shown = {label.get("value"): (label.get("html"), label.get("background")) for label in labels}
    assert shown == {t.name: (t.display_name, t.color) for t in TECHNIQUES}
    text = root.find("Text")
    assert text is not None and text.get("value") == "$text"
    output = CliRunner().invoke(main, ["labelstudio-config"]).output
    assert output == labelling_config()
