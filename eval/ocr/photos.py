"""Phone photos of the synthetic documents, as clients send them through WeChat.

    python -m eval.ocr.photos OUT_DIR --count 64 --seed 11

The page lies on a desk, seen at an angle (perspective up to 8%), turned by hand (±10°), lit
unevenly with a shadow across it, slightly out of focus and noisy, then resized by the messaging
app to a long edge of 1280–1800 px and recompressed as JPEG around quality 75. Planted defects are
the flat set's; a few photos show no document at all (a desk, a notebook page).
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from eval.ocr.documents import (
    CONTRACT_DEFECTS,
    LICENCE_DEFECTS,
    make_contract,
    make_licence,
    render_contract,
    render_licence,
)
from eval.ocr.generate import Sample, write_samples
from eval.ocr.invoices import INVOICE_DEFECTS, make_invoice, render_invoice
from eval.ocr.render import Canvas


@dataclass(frozen=True)
class Shot:
    perspective: float  # largest corner displacement, as a share of the page side
    rotate: float  # degrees
    fill: float  # page's long side as a share of the frame's
    light_low: float  # the darkest corner of the lighting ramp (1 = even light)
    shadow: float  # darkening inside the shadow (0 = no shadow)
    blur: float
    noise: float  # sensor noise, grey levels (σ)
    long_edge: int
    quality: int


def random_shot(rng: random.Random) -> Shot:
    return Shot(
        perspective=rng.uniform(0.0, 0.08),
        rotate=rng.uniform(-10, 10),
        fill=rng.uniform(0.72, 0.86),
        light_low=rng.uniform(0.55, 0.9),
        shadow=rng.uniform(0.25, 0.5) if rng.random() < 0.5 else 0.0,
        blur=rng.uniform(0.3, 1.0),
        noise=rng.uniform(2, 6),
        long_edge=rng.randint(1280, 1800),
        quality=rng.randint(70, 80),
    )


def _desk(width: int, height: int, rng: random.Random) -> np.ndarray:
    """A wood-like or laminate desk: a base colour, grain along one axis, low-frequency blotches."""
    base = np.array(rng.choice([(120, 84, 52), (150, 110, 70), (90, 90, 95), (60, 55, 50), (170, 160, 140)]),
                    np.float32)
    nprng = np.random.default_rng(rng.randrange(2**32))
    grain = cv2.resize(nprng.normal(0, 1, (max(height // 40, 2), 8)).astype(np.float32), (width, height))
    blotch = cv2.resize(nprng.normal(0, 1, (6, 8)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    field = 1 + 0.08 * grain + 0.06 * blotch
    return np.clip(base[None, None, :] * field[:, :, None], 0, 255)


def photograph(page: Image.Image, shot: Shot, rng: random.Random) -> bytes:
    """The JPEG a phone and a messaging app make of ``page`` lying on a desk."""
    src = np.asarray(page.convert("RGB"), np.float32)
    h, w = src.shape[:2]
    frame_w, frame_h = (int(max(w, h) / shot.fill), int(max(w, h) / shot.fill * 3 / 4))
    if h > w:
        frame_w, frame_h = frame_h, frame_w
    scale = min(frame_w * shot.fill / w, frame_h * shot.fill / h)
    # The page's corners: scaled, turned about the frame centre, then pulled apart for perspective.
    cx, cy = frame_w / 2 + rng.uniform(-0.03, 0.03) * frame_w, frame_h / 2 + rng.uniform(-0.03, 0.03) * frame_h
    angle = math.radians(shot.rotate)
    corners = []
    for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        x, y = x * scale, y * scale
        corners.append((cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)))
    side = min(w, h) * scale
    dst = np.float32([(x + rng.uniform(-1, 1) * shot.perspective * side,
                       y + rng.uniform(-1, 1) * shot.perspective * side) for x, y in corners])
    matrix = cv2.getPerspectiveTransform(np.float32([(0, 0), (w, 0), (w, h), (0, h)]), dst)
    warped = cv2.warpPerspective(src, matrix, (frame_w, frame_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    photo = _desk(frame_w, frame_h, rng) * (1 - mask[:, :, None]) + warped * mask[:, :, None]
    photo *= _lighting(frame_w, frame_h, shot, rng)[:, :, None]
    if shot.blur:
        photo = cv2.GaussianBlur(photo, (0, 0), shot.blur)
    photo += np.random.default_rng(rng.randrange(2**32)).normal(0, shot.noise, photo.shape).astype(np.float32)
    image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    ratio = shot.long_edge / max(image.size)
    image = image.resize((round(image.width * ratio), round(image.height * ratio)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=shot.quality)
    return out.getvalue()


def _lighting(width: int, height: int, shot: Shot, rng: random.Random) -> np.ndarray:
    """A lamp to one side (a linear ramp), darker corners, and perhaps a soft-edged shadow band."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    along = (xs / width - 0.5) * math.cos(direction) + (ys / height - 0.5) * math.sin(direction)
    light = 1 - (1 - shot.light_low) * (along - along.min()) / (np.ptp(along) or 1)
    radius = np.hypot(xs / width - 0.5, ys / height - 0.5)
    light *= 1 - 0.15 * radius**2
    if shot.shadow:
        # A phone's or a hand's shadow: a band across the frame at a random angle, blurred edges.
        theta = rng.uniform(0, math.pi)
        offset = rng.uniform(-0.25, 0.25)
        distance = (xs / width - 0.5) * math.cos(theta) + (ys / height - 0.5) * math.sin(theta) - offset
        band = rng.uniform(0.1, 0.25)
        inside = np.clip((band - np.abs(distance)) / 0.03, 0, 1)
        light *= 1 - shot.shadow * inside
    return light


def _not_a_document(rng: random.Random) -> Image.Image:
    """Something clients send by mistake: a handwritten-looking note or a product photo."""
    c = Canvas.new(1400, 1000, rng)
    if rng.random() < 0.5:
        for i, line in enumerate(rng.sample(NOTE_LINES, k=5)):
            c.text((80, 80 + 150 * i), line, rng.randint(34, 46), fill=(30, 40, 120))
    else:
        pixels = np.asarray(c.image).copy()
        for _ in range(6):  # boxes and cans on a shelf
            x, y = rng.randint(0, 1100), rng.randint(0, 700)
            colour = [rng.randint(30, 220) for _ in range(3)]
            cv2.rectangle(pixels, (x, y), (x + rng.randint(120, 300), y + rng.randint(150, 300)), colour, -1)
        c.image = Image.fromarray(pixels)
        c.text((700, 900), rng.choice(["新品上市", "春季特惠", "库存照片"]), 40, anchor="ma")
    return c.image


NOTE_LINES = ["周三下午三点开会", "记得给王经理回电话", "仓库盘点：钢板二十吨", "下周二前交样品",
              "午饭：面条", "快递单号稍后发你", "车辆年检提醒", "办公室空调报修"]


def generate_photo_samples(count: int, seed: int, today: date) -> list[Sample]:
    """About 58% invoices, 20% contracts, 14% licences, 8% no document; ~40% carry one defect."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    invoice_defects = itertools.cycle((*INVOICE_DEFECTS, "duplicate"))
    contract_defects = itertools.cycle(CONTRACT_DEFECTS)
    licence_defects = itertools.cycle(LICENCE_DEFECTS)
    while len(samples) < count:
        roll, defective = rng.random(), rng.random() < 0.4
        if roll < 0.58:
            defect = next(invoice_defects) if defective else None
            inv = make_invoice(rng, today, None if defect == "duplicate" else defect)
            image = render_invoice(inv, rng).image
            fields = {**inv.fields, "line_items": inv.items}
            samples.append(Sample("", "invoice", fields, inv.defects, photograph(image, random_shot(rng), rng)))
            if defect == "duplicate":  # the same invoice photographed again, from another angle
                samples.append(Sample("", "invoice", fields, ["duplicate"], photograph(image, random_shot(rng), rng)))
        elif roll < 0.78:
            doc = make_contract(rng, today, next(contract_defects) if defective else None)
            photo = photograph(render_contract(doc, rng).image, random_shot(rng), rng)
            samples.append(Sample("", "contract", doc.fields, doc.defects, photo))
        elif roll < 0.92:
            doc = make_licence(rng, today, next(licence_defects) if defective else None)
            photo = photograph(render_licence(doc, rng).image, random_shot(rng), rng)
            samples.append(Sample("", "business_licence", doc.fields, doc.defects, photo))
        else:
            samples.append(Sample("", "other", {}, [], photograph(_not_a_document(rng), random_shot(rng), rng)))
    for i, sample in enumerate(samples):
        sample.file = f"{i:04d}_{sample.kind}.jpg"
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 30))
    args = parser.parse_args()
    write_samples(generate_photo_samples(args.count, args.seed, args.today), args.out_dir)


if __name__ == "__main__":
    main()
