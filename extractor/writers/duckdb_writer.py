"""The default sink: one embedded DuckDB file.

Crash safety comes from DuckDB's write-ahead log: every :meth:`DuckDBWriter.write` call is one
transaction that deletes and inserts whole documents, so a process killed at any moment leaves
each document either fully stored or absent. Resuming reads the ``reports`` hashes. DuckDB's file
lock keeps a second writer out (``warehouse_locked``).

A database of an older major schema (1.x: DOUBLE numbers, no keys) is migrated in place when a
writer opens it (:func:`ensure_schema`); readers refuse it with a message that says so.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from extractor.errors import WarehouseError, WarehouseMissing, WarehouseOutdated
from extractor.writers.base import KeyAssignment, Record, as_columns, concat_columns, lock_error, record_rows
from extractor.writers.schema import DECIMAL, DOCUMENT_TABLES, TABLE_NAMES, TABLES, WAREHOUSE_SCHEMA_VERSION
from extractor.writers.sql import (
    DELETE_CONFLICTS,
    convert_select,
    create_table_sql,
    csv_insert_sql,
    csv_spool,
    csv_table,
    ident,
    insert_params,
    insert_sql,
    list_insert_sql,
    list_params,
    view_sql,
)


def _major(v: str) -> int:
    head = v.split(".")[0]
    return int(head) if head.isdigit() else 0


def _newer(a: str, b: str) -> bool:
    def parse(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".") if p.isdigit())

    return parse(a) > parse(b)


def stored_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse schema version recorded in ``meta`` (None for a new database)."""
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "meta" not in have:
        return "1.0" if "reports" in have else None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return str(row[0]) if row else ("1.0" if "reports" in have else None)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> str | None:
    """Create missing tables and columns, migrate an older major schema, (re)create the views.

    Returns the version a migration started from, or None.
    """
    stored = stored_version(con)
    if stored is not None and _major(stored) > _major(WAREHOUSE_SCHEMA_VERSION):
        raise WarehouseError(
            f"the database has warehouse schema {stored}; this extractor writes {WAREHOUSE_SCHEMA_VERSION} "
            "(upgrade ogi-extractor, or use a new --out file)"
        )
    migrated = stored if stored is not None and _major(stored) < _major(WAREHOUSE_SCHEMA_VERSION) else None
    empty = stored is None and con.execute("SELECT 1 FROM information_schema.tables LIMIT 1").fetchone() is None
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("DROP VIEW IF EXISTS report_figures")
        con.execute("DROP VIEW IF EXISTS canonical_reports")
        if migrated is not None:
            _migrate(con)
        for table in TABLE_NAMES:
            con.execute(create_table_sql(table))
            if empty:  # a new database: the tables were just created whole
                continue
            have = _columns(con, table)
            for c in TABLES[table]:
                if c.name not in have:  # an older minor schema: add the column, old rows read NULL
                    con.execute(f"ALTER TABLE {table} ADD COLUMN {ident(c.name)} {c.type}")
        if empty:  # a new database: plain inserts (an upsert costs three times as much)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)",
                        [WAREHOUSE_SCHEMA_VERSION, datetime.now(UTC).isoformat()])
        else:
            if stored is None or _newer(WAREHOUSE_SCHEMA_VERSION, stored):
                con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [WAREHOUSE_SCHEMA_VERSION])
            if stored is None:
                con.execute("INSERT OR REPLACE INTO meta VALUES ('created_at', ?)", [datetime.now(UTC).isoformat()])
        if migrated is not None:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('migrated_from', ?)", [migrated])
        for sql in view_sql():
            con.execute(sql)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return migrated


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 1.x → current: copy every table through :func:`convert_select` (exact types, keys)."""
    for table in TABLE_NAMES:
        have = _columns(con, table)
        if not have:
            continue
        con.execute(f"ALTER TABLE {table} RENAME TO _ogi_old_{table}")
        con.execute(create_table_sql(table))
        keys = "sha256" if table == "reports" else None
        dedupe = f" QUALIFY row_number() OVER (PARTITION BY {keys}) = 1" if keys else ""
        con.execute(f"INSERT INTO {table} SELECT {convert_select(table, have)} FROM _ogi_old_{table}{dedupe}")
        con.execute(f"DROP TABLE _ogi_old_{table}")


_WRITING: set[str] = set()
"""Databases a writer of this process has open: DuckDB shares one instance between the connections
of a process, so its file lock only keeps *other* processes out."""


def open_database(path: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Connect, turning DuckDB's errors into the warehouse error codes (locked, missing, not a database)."""
    p = Path(path)
    if read_only and not p.exists():
        raise WarehouseMissing(f"{p}: no such warehouse", source=str(p))
    if not read_only and str(p.resolve()) in _WRITING:
        raise lock_error(p, "a writer of this process")
    try:
        return duckdb.connect(str(p), read_only=read_only)
    except duckdb.Error as exc:
        msg = " ".join(str(exc).split())
        if "lock" in msg.lower():
            pid = msg.split("(PID ")[-1].split(")")[0] if "(PID " in msg else ""
            raise lock_error(p, f"PID {pid}" if pid.isdigit() else "") from exc
        raise WarehouseError(f"cannot open {p} as DuckDB: {msg}", source=str(p)) from exc


def check_readable(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """Refuse a warehouse this version cannot read (older or newer major schema)."""
    stored = stored_version(con)
    if stored is None:
        raise WarehouseError(f"{path} is a DuckDB file but not an ogi warehouse (no reports table)", source=str(path))
    if _major(stored) < _major(WAREHOUSE_SCHEMA_VERSION):
        raise WarehouseOutdated(
            f"{path} has warehouse schema {stored}, older than {WAREHOUSE_SCHEMA_VERSION}: upgrade it with "
            f"`ogi migrate {path}` (or run ogi batch into it); section texts need `ogi batch … --force`",
            source=str(path))
    if _major(stored) > _major(WAREHOUSE_SCHEMA_VERSION):
        raise WarehouseError(f"{path} has warehouse schema {stored}, newer than this extractor "
                             f"({WAREHOUSE_SCHEMA_VERSION}): upgrade ogi-extractor", source=str(path))


def _pyarrow() -> Any:
    """pyarrow when it is installed (an optional speed-up of inserts), else None."""
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


USE_ARROW: bool | None = None
"""Insert through pyarrow (2–4× less writer CPU than the JSON path): True whenever it is importable,
False never, None (the default) only when pyarrow and pandas are imported already. DuckDB's Arrow
scan imports pandas; with pyarrow that is ~0.35 s of start-up CPU, more than the JSON path costs on a
few hundred documents (a writer's ``arrow`` attribute overrides this; ``ogi batch`` sets it for
large runs)."""


def _arrow_module(want: bool | None) -> Any:
    """pyarrow if it is to be used (see :data:`USE_ARROW`), else None."""
    want = USE_ARROW if want is None else want
    if want is False:
        return None
    if want is None and not ("pyarrow" in sys.modules and "pandas" in sys.modules):
        return None
    return _pyarrow()


def _arrow_table(pa: Any, table: str, cols: dict[str, list[Any]]) -> Any:
    types = {"VARCHAR": pa.string(), "DOUBLE": pa.float64(), "BIGINT": pa.int64(), DECIMAL: pa.decimal128(18, 4),
             "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us"),
             "DATE": pa.date32()}
    fields = [pa.field(c.name, types[c.type]) for c in TABLES[table]]
    return pa.Table.from_arrays([pa.array(cols[f.name], type=f.type) for f in fields], schema=pa.schema(fields))


class Spool:
    """A private folder for the CSV files of :func:`insert_rows` (each read once, then deleted)."""

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._n = 0

    def path(self) -> str:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="ogi-spool-")
        self._n += 1  # a new name each time: DuckDB may cache what it read from a file
        return os.path.join(self._dir.name, f"{self._n}.csv")

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


SPOOL_TABLES = frozenset({"figures"})
"""Tables whose large batches go through a CSV spool file (measured: ``sections``, mostly long
texts, is no faster that way)."""
MIN_SPOOL_ROWS = 500
"""Rows from which a batch of a :data:`SPOOL_TABLES` table goes through a CSV spool file."""
MAX_LIST_ROWS = 5000
"""Rows up to which a batch goes as one Python list per column; beyond, one JSON text."""


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, cols: dict[str, list[Any]], *,
                arrow: bool | None = None, into: str | None = None, spool: Spool | None = None) -> None:
    """Insert packed rows ``{column: [values]}`` of ``table``: through pyarrow (see :data:`USE_ARROW`);
    else, with ``spool``, many ``figures`` rows through a CSV file (:func:`csv_spool`: DuckDB parses
    it in C++); else a small batch as one list per column (:func:`list_insert_sql`), a large one as
    one JSON text (:func:`insert_sql`)."""
    if not cols:
        return
    n = len(next(iter(cols.values())))
    if not n:
        return
    pa = _arrow_module(arrow)
    if pa is None:
        if spool is not None and n >= MIN_SPOOL_ROWS and table in SPOOL_TABLES and csv_table(table):
            got = csv_spool(table, cols)
            if got is not None:
                path = spool.path()
                try:
                    with open(path, "w", encoding="utf-8", newline="") as fh:
                        fh.write(got[1])
                    con.execute(csv_insert_sql(table, path, into), [got[0]])
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                return
        if n <= MAX_LIST_ROWS:
            con.execute(list_insert_sql(table, into), list_params(table, cols))
        else:
            con.execute(insert_sql(table, into), insert_params(table, cols))
        return
    con.register("_ogi_new", _arrow_table(pa, table, cols))
    try:
        con.execute(f"INSERT INTO {into or table} SELECT * FROM _ogi_new")
    finally:
        con.unregister("_ogi_new")


def insert_records(con: duckdb.DuckDBPyConnection, records: Sequence[Record], *, arrow: bool | None = None,
                   prefix: str = "", spool: Spool | None = None) -> None:
    """Insert whole documents (inside the caller's transaction), document tables before ``reports``
    (``prefix``: into the tables of that name prefix instead)."""
    for table in (*DOCUMENT_TABLES, "reports"):
        insert_rows(con, table, concat_columns(table, (record_rows(r, table) for r in records)), arrow=arrow,
                    into=f"{prefix}{table}" if prefix else None, spool=spool)


HELD = "held:"
"""Key prefix, in ``meta``, of the documents a batch stored as extracted alone while they wait for
cross-year settling (``held:<sha256>``): see :meth:`DuckDBStore.stage`."""


class DuckDBStore:
    """Writes into an open DuckDB database: the warehouse itself, or the staging database of the
    Parquet and CSV writers."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None
        self._replace: set[str] = set()
        self.migrated_from: str | None = None
        self._held: str | None = None
        self._spool = Spool()
        self._staged: set[str] = set()
        """Documents :meth:`stage` stored in this run, not settled yet."""
        self._marked: set[str] = set()
        """Documents that may have a ``held:`` mark in ``meta`` (this run's and a killed run's)."""

    threads: int | None = 1
    """DuckDB's worker threads while writing: one, so that the writer does not compete with the
    batch's extraction workers for the cores (None: DuckDB's default, one per core)."""
    arrow: bool | None = None
    """Insert through pyarrow (see :data:`USE_ARROW`; None: that module default)."""

    def _open(self, path: Path) -> duckdb.DuckDBPyConnection:
        self._con = open_database(path, read_only=False)
        self._held = str(path.resolve())
        _WRITING.add(self._held)
        if self.threads is not None:
            self._con.execute(f"SET threads = {int(self.threads)}")
        return self._con

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        self._spool.close()
        if self._held is not None:
            _WRITING.discard(self._held)
            self._held = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise WarehouseError("the writer is not started")
        return self._con

    _last = False
    """Inside :meth:`_one_transaction`: the writing methods neither begin nor end a transaction."""

    @contextlib.contextmanager
    def _one_transaction(self) -> Iterator[None]:
        """Everything written inside in one transaction (inside one already: that one)."""
        if self._last:
            yield
            return
        con = self.con
        con.execute("BEGIN TRANSACTION")
        self._last = True
        try:
            yield
        except BaseException:
            self._last = False
            con.execute("ROLLBACK")
            raise
        self._last = False
        con.execute("COMMIT")

    @contextlib.contextmanager
    def last_transaction(self) -> Iterator[None]:
        """One transaction for everything written inside (a batch's last documents and the keys of
        the warehouse): one commit, one log flush, instead of one per call. Any error rolls all of
        it back (the caller then writes the ordinary way)."""
        with self._one_transaction():
            yield
        self._staged.clear()  # committed: settled and unmarked

    def _known(self, replace: Collection[str]) -> dict[str, list[str]]:
        # --force: old rows are deleted inside the transaction that writes the new ones, so a crash
        # between the two never loses the old version.
        known: dict[str, list[str]] = {
            sha: list(paths or []) for sha, paths in self.con.execute("SELECT sha256, paths FROM reports").fetchall()
        }
        # documents a killed run stored before settling them: extracted again, like --force
        held = {str(k)[len(HELD):] for (k,) in self.con.execute(
            "SELECT key FROM meta WHERE starts_with(key, ?)", [HELD]).fetchall()}
        self._marked = set(held)
        self._replace = {k for k in (*replace, *held) if k in known}
        return {k: v for k, v in known.items() if k not in self._replace}

    def write(self, records: Sequence[Record]) -> None:
        self._write_records(records)

    def _write_records(self, records: Sequence[Record]) -> None:
        if not records:
            return
        con = self.con
        shas = [r["report"]["sha256"] for r in records]
        # Only documents being replaced (--force, or held by a killed run) can have rows: new hashes
        # were not in `reports`, and transactions never leave figures without their report.
        stale = [s for s in shas if s in self._replace]
        with self._one_transaction():
            self._delete(stale)
            insert_records(con, records, arrow=self.arrow, spool=self._spool)

    def _delete(self, shas: Sequence[str]) -> None:
        """Every row of the documents ``shas`` (being replaced), and their ``held:`` marks."""
        if shas:
            for table in TABLE_NAMES:
                self.con.execute(f"DELETE FROM {table} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [list(shas)])
            self._unmark([s for s in shas if s in self._marked])

    def _unmark(self, shas: Sequence[str]) -> None:
        if shas:
            self.con.execute("DELETE FROM meta WHERE key IN (SELECT ? || unnest(?::VARCHAR[]))", [HELD, list(shas)])

    def write_and_stage(self, records: Sequence[Record], held: Sequence[Record]) -> None:
        """:meth:`write` ``records`` and :meth:`stage` ``held`` in one transaction (one commit, and
        one insert per table)."""
        with self._one_transaction():
            if type(self).write is DuckDBStore.write and type(self).stage is DuckDBStore.stage:
                self._stage([*records, *held], held)
            else:  # a subclass's own write or stage applies
                self.write(records)
                self.stage(held)

    def _stage(self, records: Sequence[Record], held: Sequence[Record]) -> None:
        shas = [str(r["report"]["sha256"]) for r in held]
        with self._one_transaction():
            self._write_records(records)
            if shas:
                self.con.execute("INSERT INTO meta SELECT ? || unnest(?::VARCHAR[]), ''", [HELD, shas])
        self._staged.update(shas)
        self._marked.update(shas)

    def stage(self, records: Sequence[Record]) -> None:
        """Store documents that wait for cross-year settling as they are now (extracted alone), each
        marked ``held:<sha256>`` in ``meta`` in the same transaction. The batch stages them while the
        workers run, so that the end of the run only applies what settling changed
        (:meth:`write_staged`: a few figure updates and findings, and the marks removed). A run
        killed before that leaves whole documents, marked: the next run extracts them again (as
        with --force)."""
        if records:
            self._stage(records, records)

    def write_staged(self, records: Sequence[Record], shas: Collection[str], settlements: dict[str, Any]) -> None:
        """Store ``records`` and settle the staged documents ``shas`` in one transaction: the changes
        ``settlements`` (sha256 → :class:`extractor.batch.crossyear.Settlement`) made to them since
        they were staged, and their marks removed."""
        con = self.con
        shas = set(shas)
        figs = [(sha, *f) for sha, st in settlements.items() if sha in shas for f in st.figures]
        counts = [(sha, st.n_findings) for sha, st in settlements.items() if sha in shas and st.n_findings is not None]
        found = [f for sha, st in settlements.items() if sha in shas for f in st.findings]
        with self._one_transaction():
            self._write_records(records)
            if figs:
                con.execute(
                    "UPDATE figures AS f SET value = p.value, amount = p.amount, state = p.state, inferred = true "
                    "FROM (SELECT unnest(?::VARCHAR[]) AS sha256, unnest(?::VARCHAR[]) AS key, unnest(?::BIGINT[]) AS value, "
                    f"CAST(unnest(?::VARCHAR[]) AS {DECIMAL}) AS amount, unnest(?::VARCHAR[]) AS state) p "
                    "WHERE f.sha256 = p.sha256 AND f.key = p.key",
                    [[f[0] for f in figs], [f[1] for f in figs], [f[2] for f in figs],
                     [None if f[3] is None else str(f[3]) for f in figs], [f[4] for f in figs]])
            if counts:
                con.execute(
                    "UPDATE reports AS r SET n_findings = p.n FROM (SELECT unnest(?::VARCHAR[]) AS sha256, "
                    "unnest(?::BIGINT[]) AS n) p WHERE r.sha256 = p.sha256",
                    [[c[0] for c in counts], [c[1] for c in counts]])
            if found:
                insert_rows(con, "findings", as_columns("findings", found), arrow=self.arrow)
            self._unmark(sorted(shas))
        if not self._last:
            self._staged.difference_update(shas)

    def drop_staged(self) -> None:
        """Remove the documents staged in this run, not settled yet (their rows and marks), so that
        they can be stored the ordinary way."""
        shas = sorted(self._staged)
        if shas:
            with self._one_transaction():
                self._delete(shas)
                self._unmark(shas)
        self._staged.clear()

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        self.con.execute(
            "UPDATE reports SET paths = list_sort(list_distinct(list_concat(paths, ?::VARCHAR[]))) WHERE sha256 = ?",
            [list(paths), sha256],
        )

    def report_rows(self) -> list[dict[str, Any]]:
        cur = self.con.execute("SELECT sha256, organ, report_year, status, reader, n_figures, n_errors, n_findings, "
                               "report_key, duplicate_of FROM reports")
        cols = [d[0] for d in cur.description or ()]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def figure_values(self, shas: Collection[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {s: {} for s in shas}
        if not shas:
            return out
        rows = self.con.execute(
            "SELECT sha256, key, value, amount FROM figures WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
            [list(shas)]).fetchall()
        for sha, key, value, amount in rows:
            out[sha][key] = value if value is not None else amount
        return out

    def figure_differences(self, pairs: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        """What :meth:`figure_values` returns, restricted to the figures two documents of a pair
        ``(canonical, duplicate)`` both have and print differently: all the duplicate rule reads."""
        out: dict[str, dict[str, Any]] = {}
        if not pairs:
            return out
        a_num = "coalesce(CAST(a.value AS DECIMAL(38,4)), CAST(a.amount AS DECIMAL(38,4)))"
        b_num = "coalesce(CAST(b.value AS DECIMAL(38,4)), CAST(b.amount AS DECIMAL(38,4)))"
        rows = self.con.execute(
            "SELECT p.head, p.dup, a.key, a.value, a.amount, b.value, b.amount FROM "
            "(SELECT unnest(?::VARCHAR[]) AS head, unnest(?::VARCHAR[]) AS dup) p "
            "JOIN figures a ON a.sha256 = p.head JOIN figures b ON b.sha256 = p.dup AND b.key = a.key "
            f"WHERE {a_num} <> {b_num}", [[h for h, _ in pairs], [d for _, d in pairs]]).fetchall()
        for head, dup, key, av, aa, bv, ba in rows:
            out.setdefault(head, {})[key] = av if av is not None else aa
            out.setdefault(dup, {})[key] = bv if bv is not None else ba
        return out

    def set_keys(self, keys: KeyAssignment, conflicts: Sequence[dict[str, Any]]) -> None:
        con = self.con
        shas = list(keys)
        with self._one_transaction():
            con.execute(
                "UPDATE reports SET report_key = k.report_key, duplicate_of = k.duplicate_of FROM ("
                "SELECT unnest(?::VARCHAR[]) AS sha256, unnest(?::VARCHAR[]) AS report_key, "
                "unnest(?::VARCHAR[]) AS duplicate_of) k WHERE reports.sha256 = k.sha256 "
                "AND (reports.report_key IS DISTINCT FROM k.report_key "
                "OR reports.duplicate_of IS DISTINCT FROM k.duplicate_of)",
                [shas, [keys[s][0] for s in shas], [keys[s][1] for s in shas]])
            con.execute(DELETE_CONFLICTS)
            if conflicts:
                insert_rows(con, "findings", as_columns("findings", list(conflicts)), arrow=self.arrow)


class DuckDBWriter(DuckDBStore):
    name = "duckdb"

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out

    def stores_nothing(self) -> bool:
        """A new warehouse (no file yet): a batch need not wait for :meth:`start` to know what to skip."""
        return not self.out.exists() and not Path(f"{self.out}.wal").exists()

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        if self.out.parent and not self.out.parent.exists():
            self.out.parent.mkdir(parents=True, exist_ok=True)
        self._open(self.out)
        try:
            self.migrated_from = ensure_schema(self.con)
            self.con.execute("CHECKPOINT")  # the schema (or a migration) is durable before any document
            return self._known(replace)
        except duckdb.Error as exc:
            self._close()
            raise WarehouseError(f"cannot use {self.out} as a warehouse: {' '.join(str(exc).split())}",
                                 source=str(self.out)) from exc
        except BaseException:
            self._close()
            raise

    def finish(self) -> None:
        try:
            if self._con is not None:
                self._con.execute("CHECKPOINT")
        finally:
            self._close()


def connect(path: str | Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a warehouse for querying (checked to be readable; migrated and views recreated unless read-only)."""
    con = open_database(path, read_only=read_only)
    try:
        if read_only:
            check_readable(con, path)
        else:
            ensure_schema(con)
    except BaseException:
        con.close()
        raise
    return con
