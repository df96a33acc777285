"""Readable labels and template order for flat keys (``t3.granted.total`` → 表3 （一）予以公开 · 总计)."""

from __future__ import annotations

from functools import cache

from extractor.template import (
    T2_COLUMN_LABELS,
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_ITEM_BY_KEY,
    T3_COLUMN_LABELS,
    T3_COLUMNS,
    T3_ROW_BY_KEY,
    T3_ROWS,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)

T2_ITEM_LABELS: dict[str, str] = {
    "regulations": "规章",
    "normative_docs": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
T3_ROW_SHORT: dict[str, str] = {
    "partial": "（二）部分公开",
    "other": "（六）其他处理",
    "other_no_correction": "（六）1.逾期不补正",
    "other_no_fee": "（六）2.逾期未缴费",
    "other_other": "（六）3.其他",
}


def row_label(table: str, row: str) -> str:
    if table == "t2":
        return T2_ITEM_LABELS.get(row) or (T2_ITEM_BY_KEY[row].label if row in T2_ITEM_BY_KEY else row)
    if table == "t3":
        if row in T3_ROW_SHORT:
            return T3_ROW_SHORT[row]
        spec = T3_ROW_BY_KEY.get(row)
        if spec is None:
            return row
        group = {"withheld": "（三）", "unable": "（四）", "rejected": "（五）"}.get(row.split("_")[0], "")
        return group + spec.label
    if table == "t4":
        return T4_GROUP_LABELS.get(row, row)
    return row


def col_label(table: str, col: str, row: str = "") -> str:
    if table == "t2":
        if col == "amount":
            return "采购总金额" if row == "procurement" else "本年收费金额（万元）"
        return T2_COLUMN_LABELS.get(col, col)
    if table == "t3":
        return T3_COLUMN_LABELS.get(col, col)
    if table == "t4":
        return T4_COLUMN_LABELS.get(col, col)
    return col


def key_label(key: str) -> str:
    parts = key.split(".")
    if len(parts) != 3:
        return key
    table, row, col = parts
    return f"表{table[1:]} {row_label(table, row)} · {col_label(table, col, row)}"


@cache
def _order() -> dict[str, int]:
    keys: list[str] = []
    for layout in (T2_COLUMNS_2021, T2_COLUMNS_2019):
        for item, cols in layout.items():
            keys.extend(f"t2.{item}.{c}" for c in cols)
    keys.extend(f"t3.{r.key}.{c}" for r in T3_ROWS for c in T3_COLUMNS)
    keys.extend(f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS)
    out: dict[str, int] = {}
    for k in keys:
        out.setdefault(k, len(out))
    return out


def sort_key(key: str) -> tuple[int, str]:
    return _order().get(key, len(_order())), key
