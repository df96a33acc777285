"""Does a speed change keep every output? Records and HTML Documents of this checkout against another.

    python -m benchmarks.same_records [--before ../main] [--generated 150]

Each checkout runs in a subprocess of its own (``PYTHONPATH`` = that checkout) over every document of
``corpus/`` and ../shared/corpus/{real,real-layouts}, plus generated HTML pages (``tests.gen``:
clean, Word-export and CMS layouts, UTF-8 and GBK). Compared: ``extract()``'s status, error code and
``report.model_dump()`` for every document, and for every HTML input the whole
:class:`~extractor.document.Document` (every block, cell, span and provenance path). Exit 1 on any
difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import ROOT, SHARED

_DUMP = r"""
import dataclasses, json, sys
import extractor
from extractor import extract
from extractor.pipeline import read_document
sys.path.insert(0, sys.argv[3])  # the page generator: this checkout's on both sides (extractor is loaded)
from tests.gen.model import generate
from tests.gen.render_html import render_html
from tests.gen.variants import draw_variant

inputs = [(p, None) for p in json.loads(sys.argv[2])]
inputs += [(f"gen{s}.html", render_html(generate(s), draw_variant(s))) for s in range(int(sys.argv[4]))]
records, documents = {}, {}
for name, data in inputs:
    res = extract(data if data is not None else name, name=name if data is not None else None)
    records[name] = [res.status, None if res.error is None else res.error.code,
                     None if res.report is None else res.report.model_dump(mode="json")]
    if name.endswith((".html", ".htm")):
        try:
            documents[name] = dataclasses.asdict(read_document(data if data is not None else name, name=name))
        except Exception as exc:  # the same refusal on both sides is the same output
            documents[name] = repr(exc)
json.dump({"extractor": extractor.__file__, "records": records, "documents": documents}, open(sys.argv[1], "w"),
          ensure_ascii=False)
"""


def inputs() -> list[str]:
    roots = [ROOT / "corpus", SHARED / "real", SHARED / "real-layouts"]
    return [str(p) for r in roots if r.is_dir() for p in sorted(r.rglob("*"))
            if p.is_file() and not p.name.endswith((".json", ".py")) and not p.name.startswith("SOURCES")]


def dump(tree: Path, files: list[str], generated: int, out: Path) -> dict[str, dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-c", _DUMP, str(out), json.dumps(files), str(ROOT), str(generated)],
                   env=env, cwd=tree, check=True)
    data: dict[str, dict[str, object]] = json.loads(out.read_text())
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, default=ROOT.parent / "main")
    ap.add_argument("--generated", type=int, default=150, help="generated HTML pages (0: none)")
    args = ap.parse_args(argv)
    files = inputs()
    with tempfile.TemporaryDirectory() as tmp:
        now = dump(ROOT, files, args.generated, Path(tmp) / "now.json")
        before = dump(args.before.resolve(), files, args.generated, Path(tmp) / "before.json")
    print(f"this checkout: {now['extractor']}; before: {before['extractor']}")
    bad = 0
    for part in ("records", "documents"):
        a, b = now[part], before[part]
        diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        bad += len(diff)
        print(f"{part}: {len(a) - len(diff)}/{len(a)} the same" + (f"; differ: {', '.join(diff)}" if diff else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
