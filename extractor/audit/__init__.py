"""``ogi audit``: a compliance scorecard for every report of a warehouse, and pictures of it.

::

    from extractor.audit import audit_warehouse
    results = audit_warehouse("reports.duckdb")      # one AuditResult per canonical report
    results[0].score, [c.model_dump() for c in results[0].checks]
    import pandas as pd; pd.DataFrame([r.to_dict() for r in results])

The checks (``checks.py``), the rubric (``rubric.py``), deadlines (``deadlines.py``), the trend
series (``trends.py``), the charts (``charts.py``: matplotlib's SVG backend, optional extra
``[charts]``) and the self-contained overview page (``page.py``).
"""

from extractor.audit.deadlines import Rule, deadline_for, load_deadlines, organ_level
from extractor.audit.models import AuditResult, CheckResult, CheckStatus
from extractor.audit.rubric import CODES, RUBRIC, WEIGHTS, score
from extractor.audit.run import Audit, audit_connection, audit_warehouse, run_audit

__all__ = [
    "CODES",
    "RUBRIC",
    "WEIGHTS",
    "Audit",
    "AuditResult",
    "CheckResult",
    "CheckStatus",
    "Rule",
    "audit_connection",
    "audit_warehouse",
    "deadline_for",
    "load_deadlines",
    "organ_level",
    "run_audit",
    "score",
]
