"""The JSON API: ``/api/analyze``, ``/api/analyze/batch``, ``/api/techniques``, ``/api/health``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator

import unspin
from unspin.inference.model_folder import ModelError
from unspin.schema import Analysis, Document, check_unicode
from unspin.taxonomy import UnknownTechniqueError, get_technique, techniques_as_json
from unspin.web.runner import AnalysisTimeout, Runner

router = APIRouter(prefix="/api", tags=["api"])


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("text is empty")
    check_unicode(text, "text")
    return text


MODEL_FIELD = Field(
    default=None,
    min_length=1,
    max_length=200,
    description="Installed model to read the text(s) with, by name (`GET /api/health` lists "
    "them); unset: each text's language chooses, as `unspin analyze` does.",
)


class AnalyzeRequest(BaseModel):
    """One text to analyse."""

    text: str = Field(
        description="The text, not blank; in a language the model does not read, or was not "
        "evaluated on, the response says so in `warnings`."
    )
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Lowest span score kept (model default if unset)."
    )
    model: str | None = MODEL_FIELD

    _check_text = field_validator("text")(_not_blank)


class BatchDocument(BaseModel):
    """One document of a batch, with the caller's id."""

    id: str = Field(min_length=1, max_length=500)
    text: str

    _check_text = field_validator("text")(_not_blank)


class BatchRequest(BaseModel):
    """Several documents, analysed together; results come back in the same order."""

    documents: list[BatchDocument] = Field(min_length=1)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    model: str | None = MODEL_FIELD


class SpanOut(BaseModel):
    """A span ``[start, end)`` (Unicode code points) that uses ``technique``."""

    start: int
    end: int
    technique: str
    score: float
    text: str


class SummaryOut(BaseModel):
    technique_counts: dict[str, int]
    sentences: int
    sentences_with_technique: int
    sentence_share: float


class ModelOut(BaseModel):
    name: str
    version: str
    fingerprint: str | None = Field(
        default=None, description="Digest of the model's weights and decoding settings."
    )
    languages: list[str] = Field(description="ISO 639 codes of the languages the model reads.")
    evaluated_languages: list[str] | None = Field(
        default=None, description="The languages its scores were measured on (unset: all)."
    )


class LanguageOut(BaseModel):
    code: str = Field(description="ISO 639 code of the text's language; 'und' when unknown.")
    name: str
    confidence: float = Field(description="Below 0.5: a guess from too little text.")
    read_by_model: bool = Field(description="False: the model does not read this language.")


class AnalyzeResponse(BaseModel):
    spans: list[SpanOut]
    summary: SummaryOut
    model: ModelOut = Field(description="The model that read the text.")
    language: LanguageOut | None
    warnings: list[str] = Field(
        description="What to know before trusting the result, e.g. a language the model "
        "does not read (then an empty result does not mean the text has no technique)."
    )


class BatchResult(AnalyzeResponse):
    id: str


class BatchResponse(BaseModel):
    results: list[BatchResult]


class TechniqueOut(BaseModel):
    name: str
    display_name: str
    definition: str
    example: str
    color: str
    in_ptc: bool
    semeval2021: list[str] = Field(description="SemEval-2021 Task 6 names mapped onto it.")


class HealthOut(BaseModel):
    status: str
    model_loaded: bool
    model: ModelOut | None = Field(description="The model a text goes to by default.")
    models: list[ModelOut] = Field(
        description="Every model a text may go to (by its language, or by the request's "
        "`model`), the default first; one when the server was started with a fixed model."
    )
    version: str


class ErrorOut(BaseModel):
    detail: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "Text or batch over the configured limit."},
    422: {"model": ErrorOut, "description": "Invalid request, or a `model` the server lacks."},
    503: {"model": ErrorOut, "description": "The model is not loaded yet."},
    504: {"model": ErrorOut, "description": "The analysis took longer than the request timeout."},
}


def runner_of(request: Request) -> Runner:
    """The app's runner, or HTTP 503 while the model is still loading."""
    runner: Runner | None = getattr(request.app.state, "runner", None)
    if runner is None:
        raise HTTPException(503, "the model is still loading; try again shortly")
    return runner


def check_length(text: str, max_chars: int, what: str = "text") -> None:
    """HTTP 413 when ``text`` is longer than ``max_chars``."""
    if len(text) > max_chars:
        raise HTTPException(413, f"{what} has {len(text):,} characters; the limit is {max_chars:,}")


def response_dict(analysis: Analysis) -> dict[str, Any]:
    """The API form of an analysis: spans, summary, model, language and warnings."""
    full = analysis.to_dict()
    kept = ("spans", "summary", "model", "language", "warnings")
    return {key: full[key] for key in kept}


@router.post(
    "/analyze", response_model=AnalyzeResponse, responses=_ERRORS, response_model_exclude_unset=True
)
async def analyze(body: AnalyzeRequest, request: Request) -> dict[str, Any]:
    """Find the persuasion techniques in one text."""
    runner = runner_of(request)
    check_length(body.text, runner.settings.max_chars)
    try:
        document = Document(id="text", text=body.text)
        analysis = await runner.analyze(document, body.threshold, body.model)
    except ModelError as error:
        raise HTTPException(422, str(error)) from None
    except AnalysisTimeout as error:
        raise HTTPException(504, str(error)) from None
    return response_dict(analysis)


@router.post(
    "/analyze/batch",
    response_model=BatchResponse,
    responses=_ERRORS,
    response_model_exclude_unset=True,
)
async def analyze_batch(body: BatchRequest, request: Request) -> dict[str, Any]:
    """Analyse several documents; one result per document, in the order given."""
    runner = runner_of(request)
    settings = runner.settings
    if len(body.documents) > settings.max_batch:
        raise HTTPException(
            413, f"batch has {len(body.documents)} documents; the limit is {settings.max_batch}"
        )
    for doc in body.documents:
        check_length(doc.text, settings.max_chars, f"document {doc.id!r}")
    documents = [Document(id=d.id, text=d.text) for d in body.documents]
    try:
        analyses = await runner.analyze_batch(documents, body.threshold, body.model)
    except ModelError as error:
        raise HTTPException(422, str(error)) from None
    except AnalysisTimeout as error:
        raise HTTPException(504, str(error)) from None
    return {
        "results": [
            {"id": doc.id, **response_dict(a)} for doc, a in zip(documents, analyses, strict=True)
        ]
    }


@router.get("/techniques", response_model=list[TechniqueOut])
async def techniques() -> list[dict[str, object]]:
    """Every technique unspin knows, with its definition, an example and its colour."""
    return techniques_as_json()


@router.get(
    "/techniques/{name}",
    response_model=TechniqueOut,
    responses={404: {"model": ErrorOut, "description": "No technique goes by that name."}},
)
async def technique(name: str) -> dict[str, object]:
    """One technique, by any of its names in any case ("appeal to fear", "Name_Calling")."""
    try:
        wanted = get_technique(name).name
    except UnknownTechniqueError as error:
        raise HTTPException(404, str(error)) from None
    return next(t for t in techniques_as_json() if t["name"] == wanted)


@router.get("/health", response_model=HealthOut, response_model_exclude_unset=True)
async def health(request: Request) -> dict[str, Any]:
    """Whether the model is loaded, which ones texts may go to, and the unspin version."""
    runner: Runner | None = getattr(request.app.state, "runner", None)
    models = [info.to_dict() for info in runner.models()] if runner else []
    return {
        "status": "ok" if runner else "loading",
        "model_loaded": runner is not None,
        "model": models[0] if models else None,
        "models": models,
        "version": unspin.__version__,
    }
