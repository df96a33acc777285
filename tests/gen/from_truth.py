"""A :class:`GenReport` from a ``*.truth.json`` file, so that real reports' figures can be
re-printed in any layout (``render_layouts``). Table-2 rows the truth does not list are left out
of the rendering; the prose is the generator's own (the figures are what is being read)."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from .model import T2_COLS_2019, T2_COLS_2021, GenReport, _sections


def from_truth(path: Path) -> GenReport:
    truth = json.loads(path.read_text(encoding="utf-8"))
    figures: dict[str, int | float] = dict(truth["figures"])
    t2_2019 = any(k.split(".")[2] in ("new_made", "prior_year", "projects") for k in figures if k.startswith("t2."))
    t3_2019 = "t3.other.total" in figures
    template = "2019" if t2_2019 and t3_2019 else "hybrid" if t3_2019 else "2021"
    year = int(truth.get("report_year") or 2023)
    organ = str(truth.get("agency") or "某某县人民政府")
    rep = GenReport(
        seed=abs(hash(path.name)) % 10_000,
        template=template,
        organ=organ,
        year=year,
        title=f"{organ}{year}年政府信息公开工作年度报告",
        published=date(year + 1, 1, 20),
        t2_layout="2019" if t2_2019 else "2021",
        t3_layout="2019" if t3_2019 else "2021",
    )
    cols = T2_COLS_2019 if t2_2019 else T2_COLS_2021
    for item, names in cols.items():
        keys = [f"t2.{item}.{c}" for c in names]
        if not all(k in figures for k in keys):
            for k in keys:
                figures.pop(k, None)  # a row the report does not print (or prints in part)
    rep.figures = figures
    rep.states = {k: "zero" if v == 0 else "number" for k, v in figures.items()}
    if t2_2019 and figures.get("t2.procurement.amount"):
        rep.units["t2.procurement.amount"] = "元"
    rep.sections = _sections(rep, random.Random(rep.seed))
    return rep


def complete(truth: Path) -> bool:
    """A truth file that lists every table-3 and table-4 cell (one that lists only the figures its
    document decides cannot be re-printed)."""
    keys = json.loads(truth.read_text(encoding="utf-8"))["figures"]
    return sum(k.startswith("t3.") for k in keys) in (161, 175) and sum(k.startswith("t4.") for k in keys) == 15
