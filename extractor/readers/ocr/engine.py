"""The OCR engine behind one small interface: an image in, text boxes out.

The engine is RapidOCR (``rapidocr-onnxruntime``): PaddleOCR's PP-OCRv4 detection and recognition
models converted to ONNX and run by onnxruntime on the CPU. The three model files ship **inside
the wheel** (``rapidocr_onnxruntime/models/*.onnx``, about 16 MB), so nothing is downloaded at run
time; :func:`get_engine` checks that they are there and refuses otherwise. It is the optional extra
``ocr`` (``pip install "ogi-extractor[ocr]"``); without it image content is ``needs_ocr`` with a
message naming the extra.

Only this module imports the engine. The rest of ``readers/ocr`` sees :class:`TextBox` objects.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from extractor.errors import NeedsOCR

OCR_EXTRA = 'pip install "ogi-extractor[ocr]"'
"""How to get the engine (named in every ``needs_ocr`` message)."""

DISABLE_ENV = "OGI_NO_OCR"
"""Set (to anything but ``0``/empty) to behave as if the extra were not installed."""

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(slots=True, frozen=True)
class TextBox:
    """One detected text line: its four corners (image pixels, clockwise from top-left), text, confidence."""

    quad: Quad
    text: str
    score: float


Rule = tuple[float, float, float]
"""A vertical ruling line ``(x, top, bottom)`` in image pixels: no text line crosses it."""



class Deadline(Protocol):
    """The document's time budget as the engine sees it (:class:`extractor.budget.Deadline`)."""

    def check(self) -> None:
        """Raise :class:`~extractor.errors.ReadTimeout` if the time is spent (called between steps)."""
        ...

    def remaining(self) -> float:
        """Seconds left: a network run still going then is stopped."""
        ...

    def timeout(self) -> Exception:
        """The error to raise for a run stopped at the deadline."""
        ...


DETECT_MAX_PIXELS = 2_500_000
"""Pixels the text detector sees at most (an A4 page at 150 dpi is 2.2 M, so it sees those whole):
a larger image is shrunk for detection and the boxes scaled back. The detection network holds
~190 bytes per pixel of its input (a 5 M pixel page took a process to 1.1 GB); recognition reads
each box from the full image."""
RECOGNIZE_CHUNK = 48
"""Text lines recognised between two budget checks (a multiple of the recogniser's batch of 6)."""

REC_HEIGHT, REC_WIDTH, REC_BATCH = 48, 320, 6
"""The recogniser's input: lines scaled to 48 px high and, in batches of 6 sorted by width, padded
to the widest in the batch but never narrower than 320 px (RapidOCR's and PaddleOCR's geometry)."""
NARROW_ACCEPT = 0.95
"""A line up to 320 px wide is first recognised padded only to its batch's width (a one-digit
cell is ~35 px: a tenth of the work); the text is kept when its confidence is at least this, and
the line recognised again at 320 px otherwise. The model was trained on 320 px inputs and reads
some short lines differently with less padding around them (a lone ``0`` becomes ``o`` at 0.5-0.9
confidence, even at 160 px). On the 705 lines of ``benchmarks.bench_ocr``'s pages, the lines
kept at >= 0.95 read as at 320 px but one (``日请`` -> ``请``, a glyph cut in half at the box's
edge), recognition taking 0.77 of the time; at >= 0.99 none differed, but it took 0.88."""


class OcrEngine(Protocol):
    name: str

    def read(self, image: Any, rules: Sequence[Rule] = (), deadline: Deadline | None = None) -> list[TextBox]:
        """Text boxes of an image (a ``numpy`` array, grey or RGB, white background); a detected
        box that crosses one of ``rules`` is cut there (two cells' numbers are two texts).
        Past ``deadline`` the read stops (between steps, or inside a network run) with its timeout."""
        ...

    def recognize(self, image: Any, quads: Sequence[Quad], deadline: Deadline | None = None) -> list[TextBox]:
        """Recognise the text in the given boxes (found by other means than the detector)."""
        ...


class RapidOcrEngine:
    """``rapidocr_onnxruntime.RapidOCR`` without the angle classifier (pages are deskewed by us)."""

    name = "rapidocr-onnxruntime"

    def __init__(self) -> None:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime import RapidOCR

        models = Path(rapidocr_onnxruntime.__file__).parent / "models"
        if not any(models.glob("*det*.onnx")) or not any(models.glob("*rec*.onnx")):
            raise ImportError(f"the OCR models are missing from {models} (the wheel ships them; reinstall it)")
        self.version = getattr(rapidocr_onnxruntime, "__version__", "")
        self._ocr = RapidOCR(use_cls=False, print_verbose=False)
        self._stoppable: list[_Stoppable] = []
        self._tune(models)
        self._lock = threading.Lock()

    def _tune(self, models: Path) -> None:
        """Replace RapidOCR's sessions with ones that suit a small shared machine: no busy-waiting
        threads (onnxruntime spins by default, which starves everything else on two cores), the
        memory arena on (RapidOCR turns it off: every call allocated afresh). Skipped if the
        package's layout differs; its own sessions then run unchanged."""
        import onnxruntime as ort

        def session(path: Path) -> Any:
            opts = ort.SessionOptions()
            opts.log_severity_level = 4
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.intra_op_num_threads = min(os.cpu_count() or 1, 4)
            opts.inter_op_num_threads = 1
            opts.enable_cpu_mem_arena = False
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

        try:
            det, rec = self._ocr.text_det.infer, self._ocr.text_rec.session
            det_path = next(models.glob("*det*.onnx"))
            rec_path = next(models.glob("*rec*.onnx"))
            if hasattr(det, "session") and hasattr(rec, "session"):
                det.session = _Stoppable(session(det_path))
                rec.session = _Stoppable(session(rec_path))
                self._stoppable = [det.session, rec.session]
        except (AttributeError, StopIteration):  # pragma: no cover - another rapidocr layout
            pass

    @contextmanager
    def _until(self, deadline: Deadline | None) -> Iterator[None]:
        """Network runs inside are stopped at ``deadline`` (onnxruntime's ``RunOptions.terminate``,
        set by a timer; the run ends at its next node) and raise its timeout. Hold the lock."""
        if deadline is None or not self._stoppable:
            yield
            return
        import onnxruntime as ort

        deadline.check()
        options = ort.RunOptions()
        timer = threading.Timer(deadline.remaining(), _terminate, (options,))
        timer.daemon = True
        for s in self._stoppable:
            s.options = options
        timer.start()
        try:
            yield
        except Exception as exc:
            if options.terminate:
                raise deadline.timeout() from exc
            raise
        finally:
            timer.cancel()
            for s in self._stoppable:
                s.options = None

    def read(self, image: Any, rules: Sequence[Rule] = (), deadline: Deadline | None = None) -> list[TextBox]:
        """Detection, then recognition of each box. RapidOCR's own pipeline is used in its two halves
        so that the boxes can be fixed between them: the detector gives an isolated glyph (a lone
        ``4`` in a table cell) a box turned 45°, whose turned crop is not recognised, and joins
        numbers of adjacent cells across the rule between them. Detection sees at most
        :data:`DETECT_MAX_PIXELS`."""
        import numpy as np

        img = _rgb(image)
        det = self._ocr.text_det
        limit = int(det.limit_side_len) if det.limit_type == "min" else 0  # the short side it scales up to
        small, (sx, sy), side = _for_detection(img, limit)
        with self._lock, self._until(deadline):  # one session set per process; it already uses every core
            if side != limit:
                det.limit_side_len = side
            try:
                found, _ = det(small)
            finally:
                if side != limit:
                    det.limit_side_len = limit
        del small
        if found is None or len(found) == 0:
            return []
        if deadline is not None:
            deadline.check()
        quads = [q for b in found for q in _cut(_upright(b if sx == sy == 1.0 else b / np.array([sx, sy], dtype=np.float32)), rules)]
        return self.recognize(img, [tuple((float(x), float(y)) for x, y in q) for q in quads], deadline)  # type: ignore[misc]

    def recognize(self, image: Any, quads: Sequence[Quad], deadline: Deadline | None = None) -> list[TextBox]:
        """The boxes in RapidOCR's reading order, recognised as :meth:`_texts` says, ``deadline``
        checked between runs of the network and stopping a run."""
        import numpy as np

        if not quads:
            return []
        img = _rgb(image)
        boxes = self._ocr.sorted_boxes(np.array(quads, dtype=np.float32))
        with self._lock:
            crops = self._ocr.get_crop_img_list(img, boxes)
        texts = self._texts(crops, deadline)
        out: list[TextBox] = []
        for quad, (text, score) in zip(boxes, texts, strict=True):
            pts = tuple((float(x), float(y)) for x, y in quad)
            if len(pts) == 4 and str(text).strip():
                out.append(TextBox(pts, str(text), float(score)))
        return out

    def _texts(self, crops: Sequence[Any], deadline: Deadline | None = None) -> list[tuple[str, float]]:
        """Text and confidence of each crop. Sorted by width and cut into RapidOCR's batches, a batch
        wider than :data:`REC_WIDTH` is recognised as RapidOCR does; the lines of the others are
        recognised narrow first and again at 320 px unless sure (:data:`NARROW_ACCEPT`)."""
        ratios = [c.shape[1] / float(c.shape[0]) for c in crops]
        order = sorted(range(len(crops)), key=ratios.__getitem__)
        texts: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        runs: list[tuple[list[int], int]] = []
        narrow: list[int] = []
        for start in range(0, len(order), REC_BATCH):
            part = order[start : start + REC_BATCH]
            width = int(REC_HEIGHT * max(REC_WIDTH / REC_HEIGHT, max(ratios[i] for i in part)))
            if width > REC_WIDTH:
                runs.append((part, width))
            else:
                narrow.extend(part)
        for start in range(0, len(narrow), REC_BATCH):
            part = narrow[start : start + REC_BATCH]
            runs.append((part, _narrow_width(max(ratios[i] for i in part))))
        unsure: list[int] = []
        narrow_set = set(narrow)
        for i, (text, score) in self._run(crops, runs, deadline):
            if i in narrow_set and (score < NARROW_ACCEPT or not text.strip()):
                unsure.append(i)
            else:
                texts[i] = (text, score)
        again = [(unsure[k : k + REC_BATCH], REC_WIDTH) for k in range(0, len(unsure), REC_BATCH)]
        for i, result in self._run(crops, again, deadline):
            texts[i] = result
        return texts

    def _run(self, crops: Sequence[Any], runs: Sequence[tuple[list[int], int]],
             deadline: Deadline | None) -> Iterator[tuple[int, tuple[str, float]]]:
        """Each batch of crop indices recognised padded to its width, :data:`RECOGNIZE_CHUNK` lines
        between two budget checks."""
        import numpy as np

        rec = self._ocr.text_rec
        step = max(RECOGNIZE_CHUNK // REC_BATCH, 1)
        for start in range(0, len(runs), step):
            chunk = runs[start : start + step]
            with self._lock, self._until(deadline):
                done: list[tuple[int, tuple[str, float]]] = []
                for part, width in chunk:
                    # RapidOCR's own scaling and padding, to ``width`` (int(48 * (w / 48)) == w exactly)
                    batch = np.stack([rec.resize_norm_img(crops[i], width / REC_HEIGHT) for i in part])
                    preds = rec.session(batch)[0]
                    got = rec.postprocess_op(preds, False, wh_ratio_list=[crops[i].shape[1] / crops[i].shape[0] for i in part],
                                             max_wh_ratio=width / REC_HEIGHT)
                    done.extend((i, (str(g[0]), float(g[1]))) for i, g in zip(part, got, strict=True))
            yield from done


def _narrow_width(ratio: float) -> int:
    """A batch's input width for its widest line (width / height ``ratio``): that line scaled to
    :data:`REC_HEIGHT`, rounded up to a multiple of 8 (the network's stride)."""
    return max(8, -(-math.ceil(REC_HEIGHT * ratio) // 8) * 8)


class _Stoppable:
    """An onnxruntime session whose runs take :attr:`options` (RapidOCR calls ``session.run``
    without run options); everything else is the session's."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.options: Any = None

    def run(self, outputs: Any, feed: Any, run_options: Any = None) -> Any:
        return self.session.run(outputs, feed, run_options or self.options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


def _terminate(options: Any) -> None:
    options.terminate = True


def _for_detection(img: Any, min_side: int) -> tuple[Any, tuple[float, float], int]:
    """The image the detector is given, its x and y scales, and the short side the detector is to
    scale it to. The detector scales an image's short side up to ``min_side`` (736) and then works
    on every pixel: a page whose pixels (after that) are over :data:`DETECT_MAX_PIXELS` is scaled
    here to fit instead, and the detector told to leave it be (a very wide or tall image would
    otherwise be blown up: 40,000 x 1,240 pixels to 23,700 x 736 scaled up, 17 M)."""
    import cv2

    h, w = img.shape[:2]
    up = min_side / max(min(h, w), 1) if min(h, w) < min_side else 1.0
    scale = min(up, math.sqrt(DETECT_MAX_PIXELS / max(h * w, 1)))
    if scale == up:  # fits: the detector's own sizing, unchanged
        return img, (1.0, 1.0), min_side
    size = (max(int(w * scale), 1), max(int(h * scale), 1))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(img, size, interpolation=interp), (size[0] / w, size[1] / h), min(min_side, min(size))


def _rgb(image: Any) -> Any:
    import numpy as np

    img = np.asarray(image)
    return np.repeat(img[:, :, None], 3, axis=2) if img.ndim == 2 else img


def _cut(quad: Any, rules: Sequence[Rule]) -> list[Any]:
    """An (upright) box cut at the vertical rules it crosses."""
    import numpy as np

    xs, ys = quad[:, 0], quad[:, 1]
    left, right, top, bottom = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    mid = (top + bottom) / 2
    cuts = sorted(x for x, t, b in rules if left + 3 < x < right - 3 and t <= mid <= b)
    if not cuts:
        return [quad]
    out = []
    for a, b in zip([left, *[c + 2 for c in cuts]], [*[c - 2 for c in cuts], right], strict=True):
        if b - a >= 4:
            out.append(np.array([[a, top], [b, top], [b, bottom], [a, bottom]], dtype=np.float32))
    return out


def _upright(quad: Any) -> Any:
    """A box turned more than 5° from the horizontal (the page is already deskewed) -> its upright
    bounding rectangle, corners clockwise from the top-left."""
    import numpy as np

    (x0, y0), (x1, y1) = quad[0], quad[1]
    if abs(np.degrees(np.arctan2(y1 - y0, x1 - x0))) <= 5:
        return quad
    xs, ys = quad[:, 0], quad[:, 1]
    left, right, top, bottom = xs.min(), xs.max(), ys.min(), ys.max()
    return np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)


def ocr_disabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") not in ("", "0")


@lru_cache(maxsize=1)
def _load() -> OcrEngine:
    return RapidOcrEngine()


def ocr_available() -> bool:
    """Is the OCR extra installed (and not disabled with ``OGI_NO_OCR``)?"""
    if ocr_disabled():
        return False
    try:
        _load()
    except ImportError:
        return False
    return True


def get_engine(source: str | None = None) -> OcrEngine:
    """The process's engine (loaded once, ~0.2 s). Raises :class:`NeedsOCR` naming the extra."""
    if ocr_disabled():
        raise NeedsOCR(f"OCR is turned off ({DISABLE_ENV} is set)", source=source)
    try:
        return _load()
    except ImportError as exc:
        raise NeedsOCR(f"the OCR extra is not installed ({OCR_EXTRA}): {exc}", source=source) from exc


__all__ = ["DETECT_MAX_PIXELS", "OCR_EXTRA", "Deadline", "OcrEngine", "Rule", "TextBox", "get_engine", "ocr_available"]
