"""Is this the same organ as last year? Name normalisation with an explanation, and an alias file.

Organs rename themselves in titles: ``洪泽区人民政府`` (2023) vs ``淮安市洪泽区人民政府`` (2024),
``平潭县人民政府`` vs ``平潭综合实验区`` (format.md §11.5). Two names match when

1. they are equal after light normalisation (NFKC, whitespace, ``（图片版）``-style suffixes,
   ``X区政府`` written for ``X区人民政府``, ``管委会`` for ``管理委员会``);
2. an alias file maps them to the same name (``{"aliases": {"平潭县人民政府": "平潭综合实验区"}}``);
3. one is the other with a leading province/city/district prefix (``淮安市``, ``江苏省淮安市``) and the
   rest still names an organ (ends with an organ suffix such as 人民政府, 局, 委员会, 办事处);
4. one is a bare place (``淮安市``) or a zone's committee (``…实验区管理委员会``) and the other is
   its people's government or the zone itself;
5. only when asked (``office_equivalent``): ``人民政府办公室``/``办公厅`` against ``人民政府``.

Two names that only share a tail (``淮安市生态环境局`` and ``宿迁市生态环境局``) never match: the
dropped prefix must be the whole difference.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from extractor.diff.models import MatchHow, OrganMatch

_DECORATION = re.compile(r"[（(][^（）()]{0,8}版[)）]$|[“”\"'《》]")
_GOV_SHORT = re.compile(r"(?<=[市区县镇乡旗])政府")
_UNIT = re.compile(
    r"[\u4e00-\u9fff]{2,8}?(?:自治区|自治州|自治县|特别行政区)"
    r"|[\u4e00-\u9fff]{1,6}?(?:省|市|地区|盟|区|县|旗)"
)
_UNIT_KIND = {"省": "province", "市": "city", "区": "district", "县": "county", "旗": "banner", "盟": "league"}
ORGAN_SUFFIXES: tuple[str, ...] = (
    "人民政府", "政府", "办公室", "办公厅", "管理委员会", "委员会", "办事处", "街道", "局", "厅", "委", "办", "处",
    "中心", "院", "所", "站", "队", "署", "部", "馆", "会", "镇", "乡", "实验区", "开发区", "新区", "区", "县", "市",
)
_BARE = {"人民政府", "政府", "委员会", "管理委员会", "办公室", "办公厅", "人民政府办公室", "人民政府办公厅"}
_OFFICE = re.compile(r"人民政府(?:办公室|办公厅)$")
_ZONE_COMMITTEE = re.compile(r"(?<=区)(?:管理委员会|党工委管理委员会)$")


def normalise(name: str) -> tuple[str, list[str]]:
    """The light normalisation every comparison uses, and what it changed (for explanations)."""
    steps: list[str] = []
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"\s+", "", s)
    t = _DECORATION.sub("", s)
    if t != s:
        steps.append("dropped decorations (quotes, （…版）)")
        s = t
    t = _GOV_SHORT.sub("人民政府", s)
    if t != s:
        steps.append("read 政府 after a place name as 人民政府")
        s = t
    t = s.replace("管委会", "管理委员会")
    if t != s:
        steps.append("read 管委会 as 管理委员会")
        s = t
    return s, steps


def admin_units(prefix: str) -> list[str] | None:
    """Split ``prefix`` into administrative units (``江苏省``, ``淮安市``); None if it is not only units."""
    units: list[str] = []
    pos = 0
    while pos < len(prefix):
        m = _UNIT.match(prefix, pos)
        if m is None:
            return None
        units.append(m.group(0))
        pos = m.end()
    return units


def organ_suffix(name: str) -> str | None:
    """The organ suffix ``name`` ends with, when something names the organ before it."""
    for suf in ORGAN_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) and name not in _BARE:
            return suf
    return None


def _unit_kinds(units: list[str]) -> str:
    kinds = []
    for u in units:
        kind = next((k for suf, k in _UNIT_KIND.items() if u.endswith(suf)), "area")
        if u.endswith(("自治区", "自治州", "自治县")):
            kind = "autonomous " + {"区": "region", "州": "prefecture", "县": "county"}[u[-1]]
        kinds.append(f"{u} ({kind})")
    return ", ".join(kinds)


def _equivalents(name: str, office_equivalent: bool) -> dict[str, str]:
    """Names that denote the same organ as ``name`` without dropping a prefix: form → why."""
    out = {name: ""}
    m = _ZONE_COMMITTEE.search(name)
    if m and m.start() > 0:
        out[name[: m.start()]] = f"{name} is the governing committee of the zone {name[: m.start()]}"
    units = admin_units(name)
    if units and name[-1] in "市区县旗":
        out[name + "人民政府"] = f"the place name {name} stands for its people's government"
    if name.endswith("人民政府") and (u := admin_units(name[: -len("人民政府")])):
        place = "".join(u)
        out.setdefault(place, f"the place name {place} stands for its people's government")
    if office_equivalent:
        for form in list(out):
            if _OFFICE.search(form):
                base = _OFFICE.sub("人民政府", form)
                out.setdefault(base, f"{form}'s office taken as the people's government (office-equivalent)")
    return out


def _tails(name: str) -> dict[str, str]:
    """Shorter names ``name`` reduces to by dropping leading administrative units: form → why."""
    out: dict[str, str] = {}
    for i in range(1, len(name)):
        rest = name[i:]
        units = admin_units(name[:i])
        if units is None or organ_suffix(rest) is None:
            continue
        out[rest] = (
            f"{name} is {rest} with the leading prefix {name[:i]} — {_unit_kinds(units)}; "
            f"{rest} still names an organ (ends with {organ_suffix(rest)})"
        )
    return out


@dataclass(frozen=True, slots=True)
class OrganNames:
    """Alias table plus matching options; ``match`` is the one entry point."""

    aliases: Mapping[str, str]
    office_equivalent: bool = False

    @classmethod
    def create(cls, aliases: Mapping[str, str] | None = None, *, office_equivalent: bool = False) -> OrganNames:
        norm = {normalise(k)[0]: normalise(v)[0] for k, v in (aliases or {}).items()}
        return cls(aliases=norm, office_equivalent=office_equivalent)

    def canonical(self, name: str) -> tuple[str, list[str]]:
        s, steps = normalise(name)
        seen = {s}
        while s in self.aliases:
            target = self.aliases[s]
            steps.append(f"alias file: {s} → {target}")
            s = target
            if s in seen:
                break
            seen.add(s)
        return s, steps

    def forms(self, name: str) -> tuple[dict[str, str], dict[str, str]]:
        """(equivalent forms, prefix-dropped forms) of ``name``, each form → explanation."""
        canon, _ = self.canonical(name)
        eq = _equivalents(canon, self.office_equivalent)
        tails: dict[str, str] = {}
        for form, why in eq.items():
            for t, twhy in _tails(form).items():
                tails.setdefault(t, "; ".join(x for x in (why, twhy) if x))
        return eq, tails

    def match(self, old: str | None, new: str | None) -> OrganMatch:
        if not old or not new:
            return OrganMatch(old=old, new=new, matched=True, how="unknown",
                              explanation="organ not found in " + ("either report" if not old and not new
                                                                   else "the old report" if not old else "the new report")
                              + "; assumed to be the same organ")
        if old == new:
            return OrganMatch(old=old, new=new, matched=True, how="identical", explanation="identical names")
        a, a_steps = self.canonical(old)
        b, b_steps = self.canonical(new)
        used_alias = any(s.startswith("alias file") for s in a_steps + b_steps)
        steps = _unique(a_steps + b_steps)
        if a == b:
            how: MatchHow = "alias" if used_alias else "normalised"
            return OrganMatch(old=old, new=new, matched=True, how=how,
                              explanation=f"same organ after normalisation ({'; '.join(steps)}): {a}")
        a_eq, a_tails = self.forms(old)
        b_eq, b_tails = self.forms(new)
        shared = [("; ".join(x for x in (a_eq[f], b_eq[f], *steps) if x) + f" (both read as {f})", f)
                  for f in a_eq.keys() & b_eq.keys()]
        if shared:
            why = min(shared, key=lambda w: (len(w[0]), w[1]))[0]
            kind: MatchHow = "office" if "office-equivalent" in why else "alias" if used_alias else "place"
            return OrganMatch(old=old, new=new, matched=True, how=kind, explanation=why)
        tails = [("; ".join(x for x in (long_tails[f], short_eq[f], *steps) if x), f)
                 for short_eq, long_tails in ((a_eq, b_tails), (b_eq, a_tails))
                 for f in short_eq.keys() & long_tails.keys()]
        if tails:  # the simplest explanation (fewest rules) wins
            why = min(tails, key=lambda w: (len(w[0]), w[1]))[0]
            kind = "office" if "office-equivalent" in why else "alias" if used_alias else "prefix"
            return OrganMatch(old=old, new=new, matched=True, how=kind, explanation=why)
        hint = "" if self.office_equivalent or not (_OFFICE.search(a) or _OFFICE.search(b)) else \
            " (人民政府办公室 vs 人民政府 is only matched with --office-equivalent)"
        return OrganMatch(old=old, new=new, matched=False, how="different",
                          explanation=f"different organs: no normalisation turns {a} into {b}{hint}; "
                                      "add an alias with --aliases if they are the same organ")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def match_organs(old: str | None, new: str | None, aliases: Mapping[str, str] | None = None, *,
                 office_equivalent: bool = False) -> OrganMatch:
    """Whether ``old`` and ``new`` name the same organ, with an explanation."""
    return OrganNames.create(aliases, office_equivalent=office_equivalent).match(old, new)


def load_aliases(path: str | Path) -> dict[str, str]:
    """Read an alias file: JSON or TOML, ``{"aliases": {"平潭县人民政府": "平潭综合实验区"}}``.

    A top-level mapping of names is accepted too. Raises ValueError with a readable message.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{p}: cannot read alias file: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{p}: not valid {'TOML' if p.suffix.lower() == '.toml' else 'JSON'}: {exc}") from exc
    table = data.get("aliases", data) if isinstance(data, dict) else None
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ValueError(f'{p}: expected {{"aliases": {{"name": "canonical name", ...}}}}')
    return dict(table)


def group_organs(names: Iterable[str], organs: OrganNames) -> tuple[dict[str, str], dict[str, str]]:
    """Cluster printed organ names into organs.

    Returns ``(name → group key, ambiguous name → why it was left alone)``. A short name that would
    join several organs that do not match each other (``生态环境局`` against ``淮安市生态环境局`` and
    ``宿迁市生态环境局``) stays on its own.
    """
    names = sorted(set(names))
    eq: dict[str, dict[str, str]] = {}
    by_eq: dict[str, set[str]] = {}
    by_tail: dict[str, set[str]] = {}
    for n in names:
        e, t = organs.forms(n)
        eq[n] = e
        for f in e:
            by_eq.setdefault(f, set()).add(n)
        for f in t:
            by_tail.setdefault(f, set()).add(n)
    parent = {n: n for n in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    ambiguous: dict[str, str] = {}
    for n in names:
        for f in eq[n]:
            for m in by_eq.get(f, ()):
                union(n, m)
    for n in sorted(names, key=lambda x: (-len(x), x)):  # longer names are grouped first
        longer = {m for f in eq[n] for m in by_tail.get(f, ()) if m != n}
        groups = {find(m) for m in longer}
        if len(groups) > 1:
            ambiguous[n] = f"{n} could be any of {', '.join(sorted(longer))}; left on its own"
            continue
        for m in longer:
            union(n, m)
    return {n: find(n) for n in names}, ambiguous
