"""Batch runs: many documents → one warehouse (``ogi batch``; layout in ``docs/warehouse.md``).

The run has three stages:

1. **Plan** (main process): walk files, folders (recursively), globs and zip archives (members are
   read in place, never unpacked to disk; unsafe names, bombs and huge members are skipped), hash
   every document (sha256 of its bytes) and merge documents with the same bytes into one job that
   carries all their paths. Hashes already in the output are skipped (resume) unless ``force``.
2. **Extract** (worker processes, or a Dask cluster): :func:`extract_record` per document, under a
   time limit and a memory cap. A worker that dies marks its document ``failed``; the run goes on.
3. **Write** (main process, one writer): whole documents per transaction, so a killed run never
   leaves a half-written report.

:func:`extract_record` is the per-document function, usable on its own from Spark, Ray or Dask.
"""
from extractor.batch.dedupe import FORMAT_PREFERENCE, DatasetSummary, update_dataset
from extractor.batch.records import (
    CHANGED,
    INTERNAL_ERROR,
    OUT_OF_MEMORY,
    TIMEOUT,
    WORKER_CRASHED,
    extract_record,
    failed_record,
    record_from_result,
)
from extractor.batch.run import JobFn, run_batch, run_dask, run_job, run_local
from extractor.batch.sources import (
    DOC_SUFFIXES,
    Job,
    Skipped,
    Source,
    ZipGuard,
    apply_sidecar,
    check_inputs,
    iter_sources,
    load_source,
    member_name,
    plan,
    sidecar_meta,
    unsafe_member,
)
from extractor.batch.summary import BatchSummary, ProgressHook

__all__ = [
    "CHANGED",
    "DOC_SUFFIXES",
    "FORMAT_PREFERENCE",
    "INTERNAL_ERROR",
    "OUT_OF_MEMORY",
    "TIMEOUT",
    "WORKER_CRASHED",
    "BatchSummary",
    "DatasetSummary",
    "Job",
    "JobFn",
    "ProgressHook",
    "Skipped",
    "Source",
    "ZipGuard",
    "apply_sidecar",
    "check_inputs",
    "extract_record",
    "failed_record",
    "iter_sources",
    "load_source",
    "member_name",
    "plan",
    "record_from_result",
    "run_batch",
    "run_dask",
    "run_job",
    "run_local",
    "sidecar_meta",
    "unsafe_member",
    "update_dataset",
]
