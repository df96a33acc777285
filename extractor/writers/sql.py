"""SQL text shared by the DuckDB warehouse, the staged file writers and the query layer.

Table definitions (keys, NOT NULL, the status words), the views (``report_figures``,
``canonical_reports``), column-wise inserts, and the conversion of an older or textual layout
(CSV, JSON Lines, schema 1.x) into the current typed columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractor.writers.schema import (
    DECIMAL,
    DUP_CONFLICT,
    MONEY_KEYS,
    PRIMARY_KEYS,
    STATUSES,
    TABLES,
    canonical_keys,
    column_names,
    wide_column,
)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_table_sql(table: str, name: str | None = None) -> str:
    cols = []
    for c in TABLES[table]:
        extra = " NOT NULL" if c.required else ""
        if table == "reports" and c.name == "status":
            extra += f" CHECK (status IN ({', '.join(lit(s) for s in STATUSES)}))"
        cols.append(f"{ident(c.name)} {c.type}{extra}")
    cols.append(f"PRIMARY KEY ({', '.join(PRIMARY_KEYS[table])})")
    return f"CREATE TABLE IF NOT EXISTS {name or table} ({', '.join(cols)})"


def insert_sql(table: str, into: str | None = None) -> str:
    """``INSERT`` of a whole batch of rows given as two parameters (:func:`insert_params`): the
    batch's distinct sha256 values, and one JSON text ``{column: [values]}`` in which a 1-based index
    into them (``_doc``) stands for the sha256 of each row. DuckDB parses the text into typed lists
    that ``unnest`` zips into rows: a columnar insert without pyarrow or pandas, 2–3× faster than one
    Python list parameter per column. The index and the money columns read as text then cast halve
    DuckDB's parsing (64-character hashes on every figure row were 40% of the text)."""
    cols = TABLES[table]
    names = ", ".join(ident(c.name) for c in cols)
    struct = {"_doc": "INTEGER[]"} | {c.name: f"{'VARCHAR' if c.type == DECIMAL else c.type}[]"
                                      for c in cols if c.name != "sha256"}
    spec = "{" + ", ".join(f'"{k}": "{v}"' for k, v in struct.items()) + "}"
    inner = ", ".join(f"unnest(j.{ident(k)}) AS {ident(k)}" for k in struct)
    outer = ", ".join("list_extract(?::VARCHAR[], r._doc)" if c.name == "sha256"
                      else f"CAST(r.{ident(c.name)} AS {c.type})" if c.type == DECIMAL else f"r.{ident(c.name)}"
                      for c in cols)
    return (f"INSERT INTO {into or table} ({names}) SELECT {outer} FROM "
            f"(SELECT {inner} FROM (SELECT from_json(?, {lit(spec)}) AS j)) r")


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)  # exact: DuckDB reads the text into DECIMAL
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _documents(sha256: Sequence[str]) -> tuple[list[str], list[int]]:
    """The distinct sha256 values in order, and each row's 1-based index into them."""
    shas: list[str] = []
    index: dict[str, int] = {}
    doc: list[int] = []
    for sha in sha256:
        i = index.get(sha)
        if i is None:
            shas.append(sha)
            i = index[sha] = len(shas)
        doc.append(i)
    return shas, doc


def insert_params(table: str, cols: Mapping[str, Sequence[Any]]) -> list[Any]:
    """The parameters of :func:`insert_sql`: the distinct sha256 values, and every other column of
    ``table`` (with ``_doc``, each row's index into the first) as one JSON text."""
    shas, doc = _documents(cols["sha256"])
    body: dict[str, Any] = {"_doc": doc}
    body.update((c.name, list(cols[c.name])) for c in TABLES[table] if c.name != "sha256")
    return [shas, json.dumps(body, ensure_ascii=False, default=_json_value, allow_nan=False)]


def list_insert_sql(table: str, into: str | None = None) -> str:
    """``INSERT`` of a batch given as one Python list parameter per column (:func:`list_params`).
    DuckDB converts lists natively; it binds this statement in about half the time of
    :func:`insert_sql`'s JSON text (1.5 instead of 3–4 ms for the 25 columns of ``reports``), and
    converts rows about as fast up to a few thousand rows: the form for small batches."""
    cols = TABLES[table]
    names = ", ".join(ident(c.name) for c in cols)
    return f"INSERT INTO {into or table} ({names}) SELECT " + ", ".join(f"unnest(?::{c.type}[])" for c in cols)


def list_params(table: str, cols: Mapping[str, Sequence[Any]]) -> list[Any]:
    return [list(cols[c.name]) for c in TABLES[table]]


CSV_TYPES = frozenset({"VARCHAR", "BIGINT", DECIMAL, "BOOLEAN"})
"""Column types a CSV spool file carries exactly (no lists, dates or floats)."""
EMPTY = "\x1e\x1f"
"""What an empty text is written as in a spool file, where an empty field reads as NULL."""


def csv_table(table: str) -> bool:
    """True when every column of ``table`` can go through a CSV spool file (``figures``, ``sections``)."""
    return all(c.type in CSV_TYPES for c in TABLES[table])


def csv_spool(table: str, cols: Mapping[str, Sequence[Any]]) -> tuple[list[str], str] | None:
    """The distinct sha256 values and a CSV text of the other columns of ``table`` (with ``_doc``, a
    1-based index into the first, as in :func:`insert_params`) for :func:`csv_insert_sql`; None
    when the rows hold a character CSV cannot carry (NUL) or a text that is :data:`EMPTY` itself. Texts are quoted and an empty text is
    written as :data:`EMPTY`, so that an empty field is NULL; DuckDB parses the file in C++, half
    the CPU of the JSON text for the ``figures`` rows."""
    shas, doc = _documents(cols["sha256"])
    body: list[Sequence[Any]] = [doc]
    for c in TABLES[table]:
        if c.name == "sha256":
            continue
        values = cols[c.name]
        if c.type == "VARCHAR":
            if EMPTY in values:
                return None  # a text that is the marker itself: not this way
            if "" in values:
                values = [EMPTY if v == "" else v for v in values]
        body.append(values)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerows(zip(*body, strict=True))
    text = buf.getvalue()
    return None if "\x00" in text else (shas, text)


def csv_insert_sql(table: str, path: str, into: str | None = None) -> str:
    """``INSERT`` of the rows of a spool file written from :func:`csv_spool` (one parameter: the
    distinct sha256 values)."""
    cols = TABLES[table]
    spec = ", ".join(["'_doc': 'INTEGER'", *(f"{lit(c.name)}: {lit(c.type)}" for c in cols if c.name != "sha256")])
    outer = ", ".join("list_extract(?::VARCHAR[], _doc)" if c.name == "sha256"
                      else f"CASE WHEN {ident(c.name)} = {lit(EMPTY)} THEN '' ELSE {ident(c.name)} END"
                      if c.type == "VARCHAR" else ident(c.name) for c in cols)
    names = ", ".join(ident(c.name) for c in cols)
    return (f"INSERT INTO {into or table} ({names}) SELECT {outer} FROM read_csv({lit(path)}, header = false, "
            f"columns = {{{spec}}}, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            "nullstr = '', new_line = '\\n', parallel = false)")


def view_sql(keys: Sequence[str] | None = None) -> list[str]:
    """``canonical_reports`` and ``report_figures``: one row per canonical document.

    ``report_figures`` has one column per canonical flat key (``t3_granted_total``), BIGINT for
    counts and DECIMAL(18,4) for the 万元 columns.
    """
    keys = list(keys) if keys is not None else canonical_keys()
    pivots = ",\n  ".join(
        f"max({'amount' if k in MONEY_KEYS else 'value'}) FILTER (WHERE key = {lit(k)}) AS {ident(wide_column(k))}"
        for k in keys
    )
    head = ", ".join(f"r.{c}" for c in ("sha256", "report_key", "organ", "report_year", "template", "status"))
    picked = ", ".join(f"f.{ident(wide_column(k))}" for k in keys)
    return [
        "CREATE OR REPLACE VIEW canonical_reports AS SELECT * FROM reports WHERE duplicate_of IS NULL",
        "CREATE OR REPLACE VIEW report_figures AS\n"
        f"SELECT {head}, {picked}\nFROM canonical_reports r LEFT JOIN (\n"
        f"  SELECT sha256,\n  {pivots}\n  FROM figures GROUP BY sha256\n) f ON f.sha256 = r.sha256",
    ]


_DEFAULTS = {"BIGINT": "CAST(0 AS BIGINT)", "BOOLEAN": "false", "VARCHAR[]": "CAST([] AS VARCHAR[])",
             "TIMESTAMP": "CAST(now() AS TIMESTAMP)"}
_MONEY_LIST = ", ".join(lit(k) for k in sorted(MONEY_KEYS))


def convert_select(table: str, have: Mapping[str, str]) -> str:
    """A SELECT list turning rows with columns ``have`` (name → DuckDB type) into ``table``'s
    current columns: textual values are cast, list columns stored as JSON text parsed, and the
    schema-1 layout (``figures.value`` DOUBLE for every number, no ``finding_no``) converted."""
    out: list[str] = []
    v1_numbers = table in ("figures", "findings") and ("amount" not in have and "expected_amount" not in have)
    for c in TABLES[table]:
        name, typ = c.name, c.type
        src = ident(name)
        if table == "figures" and v1_numbers and name in ("value", "amount") and "value" in have:
            num = f"TRY_CAST({ident('value')} AS DOUBLE)"
            money = f"(key IN ({_MONEY_LIST}) OR {num} <> trunc({num}))"
            expr = (f"CASE WHEN {money} THEN NULL ELSE TRY_CAST({num} AS BIGINT) END" if name == "value"
                    else f"CASE WHEN {money} THEN TRY_CAST({num} AS DECIMAL(18,4)) END")
        elif table == "findings" and v1_numbers and name.startswith(("expected", "actual")):
            base = ident(name.split("_")[0])
            num = f"TRY_CAST({base} AS DOUBLE)"
            expr = (f"CASE WHEN {num} = trunc({num}) THEN TRY_CAST({num} AS BIGINT) END" if "_" not in name
                    else f"CASE WHEN {num} <> trunc({num}) THEN TRY_CAST({num} AS DECIMAL(18,4)) END")
        elif name not in have:
            if table == "findings" and name == "finding_no":
                expr = "CAST(row_number() OVER (PARTITION BY sha256 ORDER BY code) - 1 AS BIGINT)"
            elif c.required:  # a NOT NULL column an older layout lacks
                expr = _DEFAULTS.get(typ, "''")
            else:
                expr = f"CAST(NULL AS {typ})"
        elif have[name].upper() == typ:
            expr = src
        elif typ == "VARCHAR[]":
            expr = f"""from_json({src}, '["VARCHAR"]')""" if have[name].upper() == "VARCHAR" else f"CAST({src} AS VARCHAR[])"
        elif typ == "BIGINT":
            expr = f"CAST(TRY_CAST({src} AS DECIMAL(38,4)) AS BIGINT)"
        else:
            expr = f"TRY_CAST({src} AS {typ})"
        out.append(f"{expr} AS {ident(name)}")
    return ", ".join(out)


def raw_source(path: Path, fmt: str) -> str:
    """A DuckDB table function reading one table file as stored (CSV as text)."""
    p = lit(str(path))
    if fmt == "parquet":
        return f"read_parquet({p})"
    if fmt == "csv":
        return f"read_csv({p}, header = true, all_varchar = true, allow_quoted_nulls = false)"
    return f"read_json({p}, format = 'newline_delimited', ignore_errors = true)"


def empty_select(table: str) -> str:
    return "SELECT " + ", ".join(f"CAST(NULL AS {c.type}) AS {ident(c.name)}" for c in TABLES[table]) + " WHERE false"


def typed_source(con: Any, path: Path, fmt: str, table: str) -> str:
    """``(SELECT …)``: a table file of any layout as the current typed columns (empty when absent)."""
    if not path.exists() or path.stat().st_size == 0:
        return f"({empty_select(table)})"
    raw = raw_source(path, fmt)
    have = {r[0]: str(r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {raw}").fetchall()}
    return f"(SELECT {convert_select(table, have)} FROM {raw})"


def is_current_layout(have: Sequence[str], table: str) -> bool:
    return list(have) == column_names(table)


def copy_to_sql(table: str, path: Path, fmt: str) -> str:
    """``COPY`` of one table to a Parquet or CSV file (CSV: list columns as JSON arrays)."""
    order = ", ".join(PRIMARY_KEYS[table])
    if fmt == "parquet":
        return f"COPY (SELECT * FROM {table} ORDER BY {order}) TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)"
    cols = ", ".join(f"to_json({ident(c.name)}) AS {ident(c.name)}" if c.type == "VARCHAR[]" else ident(c.name)
                     for c in TABLES[table])
    return f"COPY (SELECT {cols} FROM {table} ORDER BY {order}) TO {lit(str(path))} (FORMAT csv, HEADER)"


DELETE_CONFLICTS = f"DELETE FROM findings WHERE code = {lit(DUP_CONFLICT)}"
