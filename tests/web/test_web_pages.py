"""HTML pages: rendering, escaping of hostile text, security headers, the standalone page."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from pdf_files import encrypt_pdf, make_pdf
from unspin.taxonomy import TECHNIQUES
from unspin.web import create_app

from .conftest import EXAMPLE, HOSTILE, FakeAnalyzer


def test_index_form_and_headers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    for field in ('name="text"', 'name="file"', 'name="url"'):
        assert field in html
    assert "<script>" not in html and "style=" not in html


def test_example_is_loaded(client: TestClient) -> None:
    assert "Riverside Park" in client.get("/?example=1").text


def test_analysis_page_highlights(client: TestClient) -> None:
    response = client.post("/analyze", data={"text": EXAMPLE})
    assert response.status_code == 200
    html = response.text
    assert 'class="hl t0 l' in html  # Loaded Language, colour class t0
    assert "Loaded Language" in html and "/static/unspin.js" in html
    assert 'dir="auto"' in html
    data = re.search(r'<script type="application/json" class="analysis-data">(.*?)</script>', html)
    assert data
    parsed = json.loads(data.group(1))
    assert parsed["threshold"] == 0.5 and parsed["floor"] == 0.2
    # The page fetched spans down to the floor; those under 0.5 start hidden.
    assert any(s["score"] < 0.5 for s in parsed["spans"])
    assert " off" in html
    assert "style=" not in html and "<script>" not in html


def test_hostile_text_is_escaped(client: TestClient) -> None:
    response = client.post("/analyze", data={"text": HOSTILE})
    html = response.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert "{{ 1337*1000 }}" in html and "1337000" not in html  # no template injection
    data = re.search(r'class="analysis-data">(.*?)</script>', html, re.S)
    assert data and "<" not in data.group(1)
    assert json.loads(data.group(1))["analysis"]["document"]["text"] == HOSTILE


def test_hostile_file_name_is_escaped(client: TestClient) -> None:
    pytest.importorskip("unspin.formats.text")
    name = '"><img src=x onerror=alert(1)>.txt'
    files = {"file": (name, b"What a reckless, disastrous plan.", "text/plain")}
    response = client.post("/analyze", files=files)
    assert response.status_code == 200
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in response.text


def test_path_like_file_name_is_reduced(client: TestClient) -> None:
    pytest.importorskip("unspin.formats.text")
    files = {"file": ("../../etc/passwd.txt", b"A true patriot.", "text/plain")}
    response = client.post("/analyze", files=files)
    assert response.status_code == 200
    assert "../" not in response.text and "passwd.txt" in response.text


def test_html_upload_uses_article_text(client: TestClient) -> None:
    pytest.importorskip("unspin.formats.html")
    page = (
        "<html><head><title>Park scandal</title></head><body><article><h1>Park scandal</h1>"
        + "<p>The council's disastrous plan will ruin the park for every family here. </p>" * 5
        + "</article></body></html>"
    )
    files = {"file": ("page.html", page.encode(), "text/html")}
    response = client.post("/analyze", files=files)
    assert response.status_code == 200
    assert "disastrous" in response.text and "&lt;p&gt;" not in response.text


def test_pdf_upload_uses_its_text_and_title(client: TestClient) -> None:
    pdf = make_pdf("The disastrous plan.", "Traitors, all of them.", title="Park scandal")
    response = client.post("/analyze", files={"file": ("scan.pdf", pdf, "application/pdf")})
    assert response.status_code == 200
    assert "Park scandal" in response.text
    assert "disastrous" in response.text and "Traitors" in response.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encrypt_pdf(make_pdf("The disastrous plan."), "secret"), "is an encrypted PDF"),
        (b"%PDF-1.7\n% not really a PDF", "is not a readable PDF"),
        (make_pdf(""), "has no text layer"),
    ],
    ids=["encrypted", "malformed", "no-text"],
)
def test_unreadable_pdf_upload_says_why(client: TestClient, data: bytes, reason: str) -> None:
    response = client.post("/analyze", files={"file": ("doc.pdf", data, "application/pdf")})
    assert response.status_code == 422
    assert f"Cannot read doc.pdf: {reason}" in response.text


def test_long_pdf_upload_is_refused(client: TestClient) -> None:
    pdf = make_pdf(*["Words and more words. " * 40] * 5)
    response = client.post("/analyze", files={"file": ("long.pdf", pdf, "application/pdf")})
    assert response.status_code == 413


def test_binary_upload_is_refused(client: TestClient) -> None:
    pytest.importorskip("unspin.formats.text")
    files = {"file": ("x.exe", b"MZ\x00\x01\x02", "application/octet-stream")}
    response = client.post("/analyze", files=files)
    assert response.status_code == 415
    assert "Could not analyse" in response.text


def test_form_errors(client: TestClient) -> None:
    empty = client.post("/analyze", data={"text": "  "})
    assert empty.status_code == 422 and "Paste a text" in empty.text
    long = client.post("/analyze", data={"text": "a" * 2_001})
    assert long.status_code == 413 and "the limit is 2,000" in long.text


def test_static_files(client: TestClient) -> None:
    js = client.get("/static/unspin.js")
    assert js.status_code == 200 and "textContent" in js.text and "innerHTML" not in js.text
    assert client.get("/static/unspin.css").status_code == 200
    css = client.get("/static/techniques.css")
    assert css.headers["content-type"].startswith("text/css") and ".t0{--c:#" in css.text


def test_binary_txt_upload_says_why(client: TestClient) -> None:
    files = {"file": ("data.txt", bytes(range(256)) * 4, "text/plain")}
    response = client.post("/analyze", files=files)
    assert response.status_code == 422
    assert "Cannot read data.txt" in response.text


def test_page_analyses_at_the_model_threshold_by_default(fake: FakeAnalyzer) -> None:
    with TestClient(create_app(fake)) as client:
        html = client.post("/analyze", data={"text": EXAMPLE}).text
    data = re.search(r'class="analysis-data">(.*?)</script>', html, re.S)
    assert data
    parsed = json.loads(data.group(1))
    assert parsed["floor"] == parsed["threshold"] == 0.5
    assert len(parsed["spans"]) == len(fake.analyze(EXAMPLE).spans)


def test_a_language_the_model_does_not_read_is_named_on_the_page(client: TestClient) -> None:
    arabic = "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب، ولا يستحقون إلا الطرد من البلاد."
    html = client.post("/analyze", data={"text": arabic}).text
    assert 'class="warning" role="alert"' in html and "appears to be in Arabic" in html
    assert "in a language the model does not read" in html
    assert "appears to be in" not in client.post("/analyze", data={"text": EXAMPLE}).text


def test_pasted_line_breaks_count_as_one_character(client: TestClient) -> None:
    lines = ["A true patriot says no." + "x" * 76] * 20  # 100 characters a line with its break
    text = "\n".join(lines)
    assert len(text) == 1_999
    response = client.post("/analyze", data={"text": text.replace("\n", "\r\n")})
    assert response.status_code == 200, "2,018 characters as sent, 1,999 once CRLF is one"
    data = re.search(r'class="analysis-data">(.*?)</script>', response.text, re.S)
    assert data and "\r" not in json.loads(data.group(1))["analysis"]["document"]["text"]


def test_the_form_counts_characters_instead_of_cutting_the_paste(client: TestClient) -> None:
    html = client.get("/").text
    assert "maxlength" not in html
    assert 'data-max-chars="2000"' in html and 'id="text-count" aria-live="polite"' in html
    assert '<script src="/static/index.js" defer></script>' in html
    assert client.get("/static/index.js").status_code == 200


def test_the_span_list_links_each_span_to_its_place(client: TestClient) -> None:
    html = client.post("/analyze", data={"text": EXAMPLE}).text
    targets = re.findall(r'<a href="#(a0-s\d+)">', html)
    assert targets, "a list of spans"
    for target in targets:
        assert f'id="{target}"' in html
    assert 'data-sort="score"' in html and 'aria-sort="ascending"' in html


def test_the_glossary_lists_every_technique(client: TestClient) -> None:
    page = client.get("/techniques")
    assert page.status_code == 200
    assert page.text.count('class="glossary-item') == len(TECHNIQUES)
    assert "Appeal to Fear or Prejudice" in page.text and 'href="/techniques"' in page.text
