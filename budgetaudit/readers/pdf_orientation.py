"""Pages whose text is drawn turned (a landscape table laid sideways on a portrait page, without a
/Rotate entry): the frame in which most of the text reads left to right, and the map into it.

Everything after this step (line grouping, table cells, paragraphs) works in that frame, so a page
turned by 90°, 180° or 270° reads like an upright one. Pages with a /Rotate entry need nothing:
pdfminer already turns them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down page coordinates)


def direction(matrix: Sequence[float] | None) -> int:
    """Which way a glyph's text runs: 0 (left to right), 90 (upwards), 180, 270 (downwards), or
    -1 when it runs diagonally (more than 10° off every axis: a watermark)."""
    if not matrix:
        return 0
    a, b = matrix[0], matrix[1]
    if abs(b) <= _TAN_10 * abs(a):
        return 0 if a > 0 else 180
    if abs(a) <= _TAN_10 * abs(b):
        return 90 if b > 0 else 270
    return -1


_TAN_10 = 0.176


@dataclass(frozen=True)
class Frame:
    """The reading frame of a page: ``angle`` is how far its text is turned from upright."""

    angle: int
    width: float  # of the page as printed (before turning)
    height: float

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the page in the reading frame."""
        return (self.height, self.width) if self.angle in (90, 270) else (self.width, self.height)

    def box(self, b: Box) -> Box:
        x0, top, x1, bottom = b
        w, h = self.width, self.height
        if self.angle == 90:  # text runs up the page: turn the page clockwise
            return (h - bottom, x0, h - top, x1)
        if self.angle == 270:  # text runs down: turn it counter-clockwise
            return (top, w - x1, bottom, w - x0)
        if self.angle == 180:
            return (w - x1, h - bottom, w - x0, h - top)
        return b

    def unbox(self, b: Box) -> Box:
        """The inverse of ``box``: a box in the reading frame → on the page as printed."""
        x0, top, x1, bottom = b
        w, h = self.width, self.height
        if self.angle == 90:
            return (top, h - x1, bottom, h - x0)
        if self.angle == 270:
            return (w - bottom, x0, w - top, x1)
        if self.angle == 180:
            return (w - x1, h - bottom, w - x0, h - top)
        return b

    def point(self, x: float, top: float) -> tuple[float, float]:
        x0, t0, _, _ = self.box((x, top, x, top))
        return x0, t0


def reading_frame(chars: Sequence[dict[str, Any]], width: float, height: float) -> Frame:
    """The direction most visible characters run in decides the page's frame."""
    votes = Counter(direction(c.get("matrix")) for c in chars if c["text"].strip())
    votes.pop(-1, None)
    angle = votes.most_common(1)[0][0] if votes else 0
    return Frame(angle, width, height)
