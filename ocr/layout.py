"""From recognised boxes to lines and key/value pairs.

Coordinates are de-skewed here (the boxes are rotated, not the image) so a photo taken a few
degrees off still groups into rows; the original quadrilaterals are kept for annotation.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass

from ocr.engine import TextBox

COLON = "[:：]"


@dataclass(frozen=True)
class Token:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float
    source: TextBox

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def skew_angle(boxes: list[TextBox]) -> float:
    """Median slope of the top edges of wide boxes, in radians."""
    angles = []
    for box in boxes:
        (ax, ay), (bx, by) = box.quad[0], box.quad[1]
        if bx - ax > 3 * abs(box.quad[3][1] - ay) and bx - ax > 40:
            angles.append(math.atan2(by - ay, bx - ax))
    return statistics.median(angles) if len(angles) >= 3 else 0.0


def tokens_from(boxes: list[TextBox], y_offset: float = 0.0) -> list[Token]:
    """Tokens in de-skewed coordinates; ``y_offset`` stacks the pages of a document vertically."""
    angle = skew_angle(boxes)
    cos, sin = math.cos(-angle), math.sin(-angle)
    tokens = []
    for box in boxes:
        points = [(x * cos - y * sin, x * sin + y * cos) for x, y in box.quad]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        # NFKC: PDF text layers often map glyphs back to CJK compatibility ideographs (U+F900…),
        # and OCR returns full-width digits; both must compare equal to the plain characters.
        raw = unicodedata.normalize("NFKC", box.text)
        text = re.sub(r"\s+", "", raw) if _mostly_cjk(raw) else raw.strip()
        tokens.append(Token(text, min(xs), min(ys) + y_offset, max(xs), max(ys) + y_offset, box.confidence, box))
    return tokens


def _mostly_cjk(text: str) -> bool:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 2


def group_lines(tokens: list[Token]) -> list[list[Token]]:
    """Rows of tokens, top to bottom, each left to right; a token joins a row it overlaps by half."""
    lines: list[list[Token]] = []
    for token in sorted(tokens, key=lambda t: t.cy):
        for line in lines:
            ref = line[0]
            overlap = min(ref.y1, token.y1) - max(ref.y0, token.y0)
            if overlap > 0.5 * min(ref.height, token.height):
                line.append(token)
                break
        else:
            lines.append([token])
    return [sorted(line, key=lambda t: t.x0) for line in lines]


@dataclass(frozen=True)
class Found:
    value: str
    tokens: tuple[Token, ...]

    @property
    def confidence(self) -> float:
        return min(t.confidence for t in self.tokens)


def find_value(tokens: list[Token], label: str, pattern: str = r".+") -> Found | None:
    """Value for a label: the rest of the label's token, else the nearest token to its right.

    ``label`` and ``pattern`` are regular expressions; the first match wins, reading top-down.
    """
    rx = re.compile(f"(?:{label}){COLON}?\\s*({pattern})")
    key_rx = re.compile(f"(?:{label}){COLON}?\\s*$")
    for token in sorted(tokens, key=lambda t: (t.cy, t.x0)):
        match = rx.search(token.text)
        if match and match.group(1).strip():
            return Found(match.group(1).strip(), (token,))
        if key_rx.search(token.text):
            right = right_of(tokens, token)
            if right is not None:
                value = re.match(f"{COLON}?\\s*({pattern})", right.text)
                if value:
                    return Found(value.group(1).strip(), (token, right))
    return None


def right_of(tokens: list[Token], key: Token, max_gap: float | None = None) -> Token | None:
    gap_limit = max_gap if max_gap is not None else 12 * key.height
    best = None
    for token in tokens:
        if token is key or token.x0 < key.x1 - 2:
            continue
        overlap = min(key.y1, token.y1) - max(key.y0, token.y0)
        if overlap < 0.5 * min(key.height, token.height):
            continue
        if token.x0 - key.x1 > gap_limit:
            continue
        if best is None or token.x0 < best.x0:
            best = token
    return best


def find_label(tokens: list[Token], label: str) -> Token | None:
    rx = re.compile(label)
    for token in sorted(tokens, key=lambda t: (t.cy, t.x0)):
        if rx.search(token.text):
            return token
    return None


def full_text(tokens: list[Token]) -> str:
    return "\n".join(" ".join(t.text for t in line) for line in group_lines(tokens))
