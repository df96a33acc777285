"""What the report's prose says about its own tables, used only to break ties.

The identities decide first; the prose is second-hand (it is often rounded, out of date or about
something else), so it is consulted only among readings the identities leave equally good:

- table 3: ``共收到政府信息公开申请9件`` fixes row 一's 总计; ``申请人均为自然人`` (or ``均系社会个人``) puts
  every application in the 自然人 column; ``其中自然人申请9件`` fixes row 一's 自然人 cell (and, when it is
  the number received, is ``均为自然人`` said with a number);
- table 2: a number printed within a few characters after an item's name
  (``现行有效行政规范性文件698件``, ``发布采购信息21条共5419886元``) is preferred where a glued run
  could be split either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.text import squash

_RECEIVED = re.compile(
    r"(?=[共全累本今收受新])(?:"  # the first characters of the alternatives: a cheap test at each position
    r"(?:共|全年|累计|本年度?|今年)?(?:收到|受理|新收)[^。；，,]{0,20}?申请[^。；，,\d]{0,6}?(\d{1,15})(?!\d)\s*[件个条份]"
    r"|(?:共|全年|累计)(?:收到|受理|新收)[^。；，,\d]{0,16}?(\d{1,15})(?!\d)\s*[件个条份][^。；，,]{0,8}?申请"
    r")"
)
_ALL_NATURAL = re.compile(r"(?=[申均全都皆])(?:申请人|申请)?(?:均|全部|都|皆)(?:为|是|系|来自)(?:自然人|(?:社会|公民)个人|个人(?=申请|提出|提交))")
"""``申请人均为自然人``; also said ``均系社会个人`` / ``均为公民个人`` / ``均为个人申请`` (never ``个人隐私``)."""
_NATURAL_COUNT = re.compile(
    r"(?:自然人|公民)(?:(?:提出|提交|的)?[^。；，,、\d法]{0,10}?申请[^。；，,\d]{0,4}?|(?:提出|申请)?)(\d{1,15})(?!\d)\s*[件个条份]"
)
"""``其中自然人申请9件`` / ``收到自然人政府信息公开申请9条`` / ``其中自然人9件`` / ``收到公民申请9件``: the
applications natural persons made (row 一's 自然人 cell); never ``自然人、法人或其他组织申请9件`` or
``公民、法人或者其他组织``, which count both."""


@dataclass(slots=True)
class Statements:
    received: set[int] = field(default_factory=set)
    """Applications received, as the prose states them."""
    all_natural: bool = False
    natural: set[int] = field(default_factory=set)
    """Applications from natural persons, as the prose states them."""
    text: str = ""

    def t3_cost(self, key: str, vec: Sequence[int | float]) -> float:
        """How many of the prose's statements a table-3 row vector contradicts."""
        cost = 0.0
        if key == "new_received" and self.received and vec[-1] not in self.received:
            cost += 1
        if key == "new_received" and self.natural and vec[0] not in self.natural:
            cost += 1
        if self.all_natural and any(vec[1:-1]):
            cost += 1
        return cost

    def says(self) -> str:
        """What the prose states about table 3, in words (empty when it states nothing)."""
        parts = [f"收到申请{n}件" for n in sorted(self.received)]
        parts += [f"自然人申请{n}件" for n in sorted(self.natural)]
        if self.all_natural and not self.natural:
            parts.append("申请人均为自然人")
        return "、".join(parts)


def no_prose(key: str, vec: Sequence[int | float]) -> float:
    """A table-3 ranking that ignores the prose (to tell what the identities alone decide)."""
    return 0.0


@lru_cache(maxsize=4)
def joined_prose(text: str) -> str:
    """Prose with the line breaks a one-run-per-line dump puts around numbers removed
    (``共受理依申请公开信息`` / ``3`` / ``条`` → ``共受理依申请公开信息3条``)."""
    # A whitespace run that holds a line break is dropped whole: the trailing whitespace of each
    # line, the break and the next line's leading whitespace (a regex ``\s*\n\s*`` rescanned a run
    # of spaces from each of its positions: a 200 KB page took 84 s).
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "".join([lines[0].rstrip(), *(line.strip() for line in lines[1:-1]), lines[-1].lstrip()])


def statements(prose: str) -> Statements:
    flat = joined_prose(prose)
    received = {int(next(g for g in m.groups() if g)) for m in _RECEIVED.finditer(flat)}
    natural = {int(m.group(1)) for m in _NATURAL_COUNT.finditer(flat)}
    # every application received came from a natural person: the same as ``申请人均为自然人``
    all_natural = bool(_ALL_NATURAL.search(flat)) or bool(natural & received - {0})
    return Statements(received=received, all_natural=all_natural, natural=natural, text=squash(flat)[:20000])


NARRATIVE_CORES: dict[str, tuple[str, ...]] = {
    "regulations": ("规章",),
    "normative_docs": ("规范性文件",),
    "licensing": ("行政许可",),
    "other_services": ("对外管理服务",),
    "punishment": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("事业性收费",),
    "procurement": ("采购",),
}
"""Words the prose uses for table-2 items (wider than the table's own labels: 采购信息)."""
_STATED = re.compile(r"(\d{1,15}(?:\.\d{1,6})?)(?![\d.])\s*(?:件|条|个|项|份|万元|元)")


def numbers_after(item: str, prose: str) -> set[int | float]:
    """Numbers stated with a unit within a few characters after a table-2 item's name
    (``现行有效行政规范性文件698件``, ``发布采购信息21条共5419886元``)."""
    out: set[int | float] = set()
    flat = joined_prose(prose)
    for core in NARRATIVE_CORES.get(item, ()):
        at = flat.find(core)
        while at >= 0:  # each occurrence, left to right, not overlapping (what re.finditer finds)
            end = at + len(core)
            window = _CLAUSE_END.split(flat[end : end + 28], maxsplit=1)[0]
            for n in _STATED.finditer(window):
                num = n.group(1)
                out.add(float(num) if "." in num else int(num))
            at = flat.find(core, end)
    return out


_CLAUSE_END = re.compile(r"[。；;]")
