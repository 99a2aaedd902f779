"""README blocks of ``curl`` requests to ``unspin serve``, answered by the web app in-process.

A ``text`` block that starts with ``$ curl -s localhost:8000/`` holds requests (a command may go
on over lines ending in ``\\`` and inside its quotes), each followed by the answer: the web app
(``create_app()``, its default models) answers each one through fastapi's TestClient, with the
method, path and body the command gives. A block with a request whose body is a file
(``-d @FILE``) is left as written. Answers are shown as scripts/readme_outputs.py says: a
successful POST's answer pretty-printed (four spaces), every other answer compact as sent, each
batch result's summary, model and language as ``{…}``, and a list of more than eight languages
as its first three and ``…``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import partial
from typing import Any

from readme_section import TEXT_BLOCK, Block, elided, json_shown

HOST = "localhost:8000"
CURL = f"$ curl -s {HOST}/"
BATCH_ELIDED = ("summary", "model", "language")
LANGUAGES_SHOWN = 8


@dataclass(frozen=True)
class Request:
    """One ``curl`` command: as written in the README, and what it sends."""

    written: str
    method: str
    path: str
    body: str | None


def parse(written: str) -> Request:
    """The request of a ``$ curl ...`` command (its continuation lines included)."""
    words = shlex.split(written[2:].replace("\\\n", " "))
    body = None
    path = ""
    arguments = iter(words[1:])
    for word in arguments:
        if word == "-d":
            body = next(arguments)
        elif word == "-H":
            next(arguments)  # the content type: the app is sent JSON in every case
        elif word.startswith(HOST):
            path = word[len(HOST) :]
    return Request(written, "POST" if body is not None else "GET", path, body)


def _complete(lines: list[str]) -> bool:
    text = "\n".join(lines)
    if text.endswith("\\"):
        return False
    try:
        shlex.split(text)
    except ValueError:  # a quote still open: the command goes on
        return False
    return True


def requests(body: str) -> list[Request]:
    """The ``curl`` commands of a block, each with its continuation lines."""
    commands: list[list[str]] = []
    going_on = False
    for line in body.splitlines():
        if line.startswith("$ ") or going_on:
            if not going_on:
                commands.append([])
            commands[-1].append(line)
            going_on = not _complete(commands[-1])
    return [parse("\n".join(command)) for command in commands]


def _shortened(value: Any) -> Any:
    """``value`` with long language lists and batch results' details shown shortened."""
    if isinstance(value, dict):
        shown = {key: _shortened(item) for key, item in value.items()}
        if "results" in shown:
            for result in shown["results"]:
                result.update({key: elided("{…}") for key in BATCH_ELIDED if key in result})
        return shown
    if isinstance(value, list):
        if len(value) > LANGUAGES_SHOWN and all(isinstance(item, str) for item in value):
            return [*value[:3], elided("…")]
        return [_shortened(item) for item in value]
    return value


def answers(found: list[Request]) -> str:
    """Each request as written, followed by the app's answer."""
    from fastapi.testclient import TestClient

    from unspin.web import create_app

    shown = []
    with TestClient(create_app()) as client:
        for request in found:
            headers = {"content-type": "application/json"} if request.body is not None else {}
            response = client.request(
                request.method, request.path, content=request.body, headers=headers
            )
            pretty = request.method == "POST" and response.is_success
            answer = json_shown(_shortened(response.json()), indent=4 if pretty else None)
            shown.append(f"{request.written}\n{answer}\n")
    return "\n".join(shown)


def blocks(readme: str) -> list[Block]:
    """The README blocks of requests the repository has every input of."""
    found = []
    for match in TEXT_BLOCK.finditer(readme):
        body = match.group(1)
        if not body.startswith(CURL):
            continue
        sent = requests(body)
        if all(request.body is None or not request.body.startswith("@") for request in sent):
            label = "; ".join(f"curl {request.method} {request.path}" for request in sent)
            found.append(Block(match.start(1), match.end(1), label, partial(answers, sent)))
    return found
