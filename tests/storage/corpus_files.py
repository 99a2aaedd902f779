"""Small document collections written to a folder for the store tests."""

from __future__ import annotations

import json
from pathlib import Path

SOURCES = ("Daily Bugle", "Planet", "Sentinel")


def write_jsonl(path: Path, count: int, start: int = 0) -> list[str]:
    """``count`` short distinct documents over three sources and months; returns their texts."""
    texts = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            text = f"Article {i}: the disastrous plan of the traitors. True patriots know {i}."
            if i % 3 == 0:
                text = f"Report {i}: the council met on Tuesday and agreed the budget."
            record = {
                "id": f"doc-{i}",
                "text": text,
                "source": SOURCES[i % 3],
                "published": f"2020-{1 + i % 4:02d}-{1 + i % 27:02d}",
                "language": "en",
            }
            handle.write(json.dumps(record) + "\n")
            texts.append(text)
    return texts


def write_mixed(folder: Path) -> dict[str, str]:
    """Good and bad files; returns each bad file's name and the words its error shows."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text("A disastrous idea, we must act now.\n", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Op-ed</title></head><body><article><p>"
        + "Only true patriots stand with us against the traitors of this land. " * 3
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    sub = folder / "sub"
    sub.mkdir()
    (sub / "table.csv").write_text(
        "id,text,source\nc1,The traitors lied again.,Wire\nc2,Rain is expected on Friday.,Wire\n",
        encoding="utf-8",
    )
    (folder / "records.jsonl").write_text(
        '{"text": "Disastrous numbers for the traitors.", "source": "Feed"}\n'
        '{"text": "broken\n'
        '{"text": "The market closed flat.", "source": "Feed"}\n',
        encoding="utf-8",
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\xff\xfe")
    (folder / "latin.txt").write_bytes(b"caf\xe9")
    return {
        "records.jsonl": "records.jsonl:2",
        "empty.txt": "empty.txt",
        "binary.txt": "binary.txt",
        "latin.txt": "latin.txt",
    }
