"""Generate a noisy synthetic set of invoices, contracts and licences with ground truth.

    python -m eval.ocr.generate OUT_DIR --count 60 --seed 7

writes one image per document and ``truth.jsonl`` (file, kind, fields, defects, duplicate_of).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import random
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PIL import Image

from eval.ocr.documents import (
    CONTRACT_DEFECTS,
    CONTRACT_PAGE_BREAK,
    LICENCE_DEFECTS,
    make_contract,
    make_licence,
    render_contract,
    render_licence,
)
from eval.ocr.invoices import INVOICE_DEFECTS, make_invoice, render_invoice
from eval.ocr.pdf import canvas_to_pdf
from eval.ocr.render import Noise, apply_noise, random_noise


@dataclass
class Sample:
    file: str
    kind: str
    fields: dict
    defects: list[str]
    data: bytes

    def truth(self) -> dict:
        return {"file": self.file, "kind": self.kind, "fields": self.fields, "defects": self.defects}


def invoice_sample(
    rng: random.Random, today: date, defect: str | None, noise: Noise | None = None, as_pdf: bool = False
) -> Sample:
    inv = make_invoice(rng, today, defect)
    canvas = render_invoice(inv, rng)
    if as_pdf:  # a born-digital invoice, as downloaded from the e-invoice service: text layer, no noise
        data = canvas_to_pdf(canvas)
    else:
        data = apply_noise(canvas.image, noise if noise is not None else random_noise(rng))
    return Sample("", "invoice", {**inv.fields, "line_items": inv.items}, inv.defects, data)


def scanned_pdf(image: Image.Image, split_at: int | None) -> bytes:
    """A scanner's PDF: page images, no text layer; optionally split into two pages."""
    pages = [image] if split_at is None else [image.crop((0, 0, image.width, split_at)),
                                              image.crop((0, split_at, image.width, image.height))]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=144)
    return out.getvalue()


def generate_samples(count: int, seed: int, today: date, noise_level: float = 1.0) -> list[Sample]:
    """About 60% invoices, 25% contracts, 15% licences; about 40% of each carry one defect."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    # Defects are dealt in turn, not drawn, so every kind is planted even in a small set.
    invoice_defects = itertools.cycle((*INVOICE_DEFECTS, "duplicate"))
    contract_defects = itertools.cycle(CONTRACT_DEFECTS)
    licence_defects = itertools.cycle(LICENCE_DEFECTS)
    for index in range(count):
        roll = rng.random()
        defective = rng.random() < 0.4
        noise = random_noise(rng, noise_level)
        if roll < 0.6:
            defect = next(invoice_defects) if defective else None
            if defect == "duplicate":
                # The same invoice photographed twice: the second submission is the defect.
                state = rng.getstate()
                first = invoice_sample(rng, today, None, noise)
                rng.setstate(state)
                second = invoice_sample(rng, today, None, random_noise(random.Random(seed * 1000 + index), noise_level))
                second.defects = ["duplicate"]
                samples += [first, second]
                continue
            samples.append(invoice_sample(rng, today, defect, noise, as_pdf=rng.random() < 0.2))
        elif roll < 0.85:
            doc = make_contract(rng, today, next(contract_defects) if defective else None)
            image = render_contract(doc, rng).image
            if rng.random() < 0.4:  # a two-page scan: clauses on page 1, signatures and seals on page 2
                noisy = Image.open(io.BytesIO(apply_noise(image, replace(noise, rotate=0.0, scale=1.0))))
                data = scanned_pdf(noisy.convert("RGB"), split_at=CONTRACT_PAGE_BREAK)
            else:
                data = apply_noise(image, noise)
            samples.append(Sample("", "contract", doc.fields, doc.defects, data))
        else:
            doc = make_licence(rng, today, next(licence_defects) if defective else None)
            data = apply_noise(render_licence(doc, rng).image, noise)
            samples.append(Sample("", "business_licence", doc.fields, doc.defects, data))
    for i, sample in enumerate(samples):
        ext = {b"\xff\xd8": "jpg", b"%P": "pdf"}.get(sample.data[:2], "png")
        sample.file = f"{i:04d}_{sample.kind}.{ext}"
    return samples


def write_samples(samples: list[Sample], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for sample in samples:
            (out_dir / sample.file).write_bytes(sample.data)
            truth.write(json.dumps(sample.truth(), ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 30))
    args = parser.parse_args()
    write_samples(generate_samples(args.count, args.seed, args.today), args.out_dir)


if __name__ == "__main__":
    main()
