"""When an annual report is due (A-TIMELY), and ``--deadlines FILE`` overrides.

The regulation in force decides (政府信息公开条例):

* reports for years up to 2018 (the 2008 regulation, art. 31): by **31 March** of the next year;
* from the 2019 report on (the 2019 regulation, arts. 49–50): the reports of people's governments
  of county level and above by **31 March**; every other organ's — departments, township and
  street governments (乡、镇、街道), zones' bureaus — by **31 January** of the next year.

An organ is read as a county-level-and-above people's government when its name is a place of that
level followed by 人民政府/政府 (``淮安市人民政府``, ``洪泽区政府``), a bare place (``三明市``), or a
development or pilot zone itself (``平潭综合实验区``, ``…开发区管委会``: the zone's committee acts
as its government). Townships and streets (``…乡人民政府``, ``…镇``, ``…街道办事处``) and everything
else (``…局``, ``…委员会``, ``…人民政府办公室``) are other organs.

A deadlines file (TOML or JSON) overrides this per organ pattern; the first rule that matches wins::

    [[deadlines]]
    organ = "平潭综合实验区*局"   # fnmatch pattern on the organ's name (or its report key)
    deadline = "01-31"          # MM-DD of the year after the report year, or a full YYYY-MM-DD
    years = "2019-"             # optional: report years (2019-, -2018, 2021, 2019-2022)

(``{"deadlines": {"PATTERN": "MM-DD", ...}}`` is the short form.)
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from extractor.errors import ConfigError

Level = Literal["government", "other"]

_TOWNSHIP = re.compile(r"(乡|镇|苏木|街道|街道办事处|街道办)(人民政府|政府)?$")
_ZONE = re.compile(r"(实验区|试验区|开发区|新区|示范区|合作区|高新区)(管理委员会|管委会)?$")
_PLACE_LEVEL = "省市区县旗州盟"


def organ_level(name: str | None) -> tuple[Level, str]:
    """``government`` (county level and above) or ``other``, with the reason in words."""
    from extractor.diff.organs import admin_units, normalise

    if not name:
        return "other", "organ unknown: read as an organ other than a people's government"
    n = normalise(unicodedata.normalize("NFKC", name))[0]
    if _TOWNSHIP.search(n):
        return "other", "a township or street (乡/镇/街道)"
    if n.endswith("人民政府"):
        units = admin_units(n[: -len("人民政府")])
        if units and units[-1][-1] in _PLACE_LEVEL:
            return "government", "a people's government of county level or above"
    if _ZONE.search(n):
        return "government", "a development or pilot zone, whose committee acts as its government"
    if admin_units(n) and n[-1] in _PLACE_LEVEL:
        return "government", "a place name, read as its people's government (county level or above)"
    return "other", "a department or other organ (not a people's government of county level or above)"


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: str
    deadline: str
    """``MM-DD`` (of the year after the report year) or ``YYYY-MM-DD``."""
    first_year: int | None = None
    last_year: int | None = None

    def applies(self, organ: str | None, organ_key: str | None, year: int) -> bool:
        if self.first_year is not None and year < self.first_year:
            return False
        if self.last_year is not None and year > self.last_year:
            return False
        names = [n for n in (organ, organ_key) if n]
        return any(fnmatchcase(unicodedata.normalize("NFKC", n), self.pattern) for n in names)

    def date_for(self, year: int) -> date:
        return _parse_deadline(self.deadline, year)


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date
    why: str


def default_deadline(organ: str | None, year: int) -> Deadline:
    if year <= 2018:
        return Deadline(date(year + 1, 3, 31), "reports up to 2018: 31 March (2008 regulation)")
    level, why = organ_level(organ)
    if level == "government":
        return Deadline(date(year + 1, 3, 31), f"{why}: 31 March")
    return Deadline(date(year + 1, 1, 31), f"{why}: 31 January")


def deadline_for(organ: str | None, organ_key: str | None, year: int, rules: tuple[Rule, ...] = ()) -> Deadline:
    """The deadline of ``organ``'s report for ``year``: the first matching rule, else the regulation's."""
    for rule in rules:
        if rule.applies(organ, organ_key, year):
            return Deadline(rule.date_for(year), f"deadlines file: {rule.pattern} → {rule.deadline}")
    return default_deadline(organ, year)


_MD = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEARS = re.compile(r"^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$")


def _parse_deadline(text: str, year: int) -> date:
    if m := _MD.match(text):
        return date(year + 1, int(m.group(1)), int(m.group(2)))
    if m := _YMD.match(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(f"deadline {text!r}: expected MM-DD or YYYY-MM-DD")


def _years(text: Any) -> tuple[int | None, int | None]:
    if isinstance(text, int):
        return text, text
    m = _YEARS.match(str(text))
    if m is None or not (m.group(1) or m.group(3)):
        raise ValueError(f"years {text!r}: expected 2019, 2019-, -2018 or 2019-2022")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else None
    if not m.group(2):
        hi = lo
    return lo, hi


def parse_rules(data: Any) -> tuple[Rule, ...]:
    """Rules from a decoded deadlines file; raises ValueError with a readable message."""
    table = data.get("deadlines", data) if isinstance(data, dict) else data
    items: list[dict[str, Any]]
    if isinstance(table, dict):
        items = [{"organ": k, "deadline": v} for k, v in table.items()]
    elif isinstance(table, list):
        items = table
    else:
        raise ValueError('expected [[deadlines]] rules or {"deadlines": {"PATTERN": "MM-DD"}}')
    rules = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("organ"), str) or not isinstance(item.get("deadline"), str):
            raise ValueError(f"rule {i}: needs organ (a pattern) and deadline (MM-DD or YYYY-MM-DD) as strings")
        unknown = set(item) - {"organ", "deadline", "years"}
        if unknown:
            raise ValueError(f"rule {i}: unknown field(s) {', '.join(sorted(unknown))}")
        lo, hi = _years(item["years"]) if "years" in item else (None, None)
        rule = Rule(pattern=unicodedata.normalize("NFKC", item["organ"]), deadline=item["deadline"].strip(),
                    first_year=lo, last_year=hi)
        try:
            rule.date_for(2020)  # validates the date's shape (MM-DD: a real day of the year)
        except ValueError as exc:
            raise ValueError(f"rule {i}: {exc}") from exc
        rules.append(rule)
    return tuple(rules)


def load_deadlines(path: str | Path) -> tuple[Rule, ...]:
    """Read a deadlines file (TOML by its ``.toml`` suffix, else JSON); raises :class:`ConfigError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read the deadlines file: {exc.strerror or exc}", source=str(p)) from exc
    toml = p.suffix.lower() == ".toml"
    try:
        data = tomllib.loads(text) if toml else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"not valid {'TOML' if toml else 'JSON'}: {exc}", source=str(p)) from exc
    try:
        return parse_rules(data)
    except ValueError as exc:
        raise ConfigError(str(exc), source=str(p)) from exc
