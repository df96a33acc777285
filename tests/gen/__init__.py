"""Report generator for property tests, fuzzing and generated accuracy corpora.

From a seed, :func:`generate` builds a report (organ, year, template ``2021`` / ``2019`` /
``hybrid``, figures that satisfy the identities or deliberately break some, cell states, section
texts). :func:`draw_variant` draws the layout variants of one rendering independently, and the
renderers turn (report, variant) into text (pipe, markdown, tab), HTML (clean, Word export, CMS
page, GBK), DOCX (python-docx, merged cells) and PDF (LibreOffice, cached under
``tests/fixtures/generated``).

Labels are spelled out here as printed in the national template, independently of the
extractor's catalog, so that a mistake in the catalog cannot hide in both places.

Usable as ``gen`` (tests put ``tests/`` on ``sys.path``) and as ``tests.gen`` (``python -m
tests.gen.make_corpus``); modules import each other relatively.
"""

from .model import GenReport, expected_errors, generate
from .variants import Variant, draw_variant

__all__ = ["GenReport", "Variant", "draw_variant", "expected_errors", "generate"]
