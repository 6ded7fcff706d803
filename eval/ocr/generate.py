"""Generate a noisy synthetic set of invoices, contracts and licences with ground truth.

    python -m eval.ocr.generate OUT_DIR --count 60 --seed 7

writes one image per document and ``truth.jsonl`` (file, kind, fields, defects, duplicate_of).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eval.ocr.documents import (
    CONTRACT_DEFECTS,
    LICENCE_DEFECTS,
    make_contract,
    make_licence,
    render_contract,
    render_licence,
)
from eval.ocr.invoices import INVOICE_DEFECTS, make_invoice, render_invoice
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


def invoice_sample(rng: random.Random, today: date, defect: str | None, noise: Noise | None = None) -> Sample:
    inv = make_invoice(rng, today, defect)
    image = render_invoice(inv, rng).image
    data = apply_noise(image, noise if noise is not None else random_noise(rng))
    return Sample("", "invoice", {**inv.fields, "line_items": inv.items}, inv.defects, data)


def generate_samples(count: int, seed: int, today: date, noise_level: float = 1.0) -> list[Sample]:
    """About 60% invoices, 25% contracts, 15% licences; about 40% of each carry one defect."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    for index in range(count):
        roll = rng.random()
        defective = rng.random() < 0.4
        noise = random_noise(rng, noise_level)
        if roll < 0.6:
            defect = rng.choice((*INVOICE_DEFECTS, "duplicate")) if defective else None
            if defect == "duplicate":
                # The same invoice photographed twice: the second submission is the defect.
                state = rng.getstate()
                first = invoice_sample(rng, today, None, noise)
                rng.setstate(state)
                second = invoice_sample(rng, today, None, random_noise(random.Random(seed * 1000 + index), noise_level))
                second.defects = ["duplicate"]
                samples += [first, second]
                continue
            samples.append(invoice_sample(rng, today, defect, noise))
        elif roll < 0.85:
            doc = make_contract(rng, today, rng.choice(CONTRACT_DEFECTS) if defective else None)
            data = apply_noise(render_contract(doc, rng).image, noise)
            samples.append(Sample("", "contract", doc.fields, doc.defects, data))
        else:
            doc = make_licence(rng, today, rng.choice(LICENCE_DEFECTS) if defective else None)
            data = apply_noise(render_licence(doc, rng).image, noise)
            samples.append(Sample("", "business_licence", doc.fields, doc.defects, data))
    for i, sample in enumerate(samples):
        ext = "jpg" if sample.data[:3] == b"\xff\xd8\xff" else "png"
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
