"""Drawing helpers and the noise a phone photo or a cheap scanner adds."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from ocr.fonts import cjk_fonts


@dataclass
class Canvas:
    image: Image.Image
    font_path: Path
    # Every text drawn, so the same page can also be written as a PDF with a text layer.
    texts: list[tuple[float, float, str, int]] = field(default_factory=list)
    # Pictures pasted on the page (the invoice QR code): left, top, image; the PDF embeds them too.
    pictures: list[tuple[int, int, Image.Image]] = field(default_factory=list)

    @classmethod
    def new(cls, width: int, height: int, rng: random.Random) -> Canvas:
        tint = rng.randint(238, 255)
        paper = Image.new("RGB", (width, height), (tint, tint, rng.randint(228, 255)))
        # Packaged fonts only: the same seed gives the same set on every machine.
        return cls(paper, rng.choice(cjk_fonts(include_system=False)))

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(self.font_path), size)

    def text(self, xy: tuple[float, float], text: str, size: int = 24, anchor: str = "la",
             fill: tuple[int, int, int] = (20, 20, 20)) -> None:
        font = self.font(size)
        ImageDraw.Draw(self.image).text(xy, text, font=font, fill=fill, anchor=anchor)
        left, top, _, _ = ImageDraw.Draw(self.image).textbbox(xy, text, font=font, anchor=anchor)
        if text.strip():
            self.texts.append((left, top, text, size))

    def qr(self, xy: tuple[int, int], payload: str, size: int) -> None:
        """A QR code of ``payload`` about ``size`` pixels wide, with its quiet zone, at ``xy``."""
        import zxingcpp

        code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        modules = np.asarray(code.to_image(scale=1, add_quiet_zones=True))
        scale = max(2, size // modules.shape[0])
        picture = Image.fromarray(modules).resize((modules.shape[1] * scale, modules.shape[0] * scale),
                                                  Image.NEAREST).convert("RGB")
        self.image.paste(picture, xy)
        self.pictures.append((xy[0], xy[1], picture))

    def rect(self, box: tuple[float, float, float, float], colour: tuple[int, int, int] = (150, 110, 60)) -> None:
        ImageDraw.Draw(self.image).rectangle(box, outline=colour, width=2)

    def seal(self, centre: tuple[float, float], label: str, rng: random.Random, radius: int = 95) -> None:
        """A translucent red round seal, drawn over whatever is beneath it."""
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        red = (rng.randint(200, 235), rng.randint(20, 50), rng.randint(20, 50), rng.randint(150, 200))
        cx, cy = centre
        draw.ellipse((cx - radius, cy - radius * 0.8, cx + radius, cy + radius * 0.8), outline=red, width=5)
        draw.text((cx, cy - 18), "★", font=self.font(34), fill=red, anchor="mm")
        draw.text((cx, cy + 28), label, font=self.font(20), fill=red, anchor="mm")
        chars = label[:12]
        for i, ch in enumerate(chars):  # the company name around the rim
            angle = math.pi * (1.15 + 0.7 * i / max(len(chars) - 1, 1))
            x = cx + (radius - 22) * math.cos(angle)
            y = cy + (radius * 0.8 - 20) * math.sin(angle)
            draw.text((x, y), ch, font=self.font(16), fill=red, anchor="mm")
        self.image = Image.alpha_composite(self.image.convert("RGBA"), layer).convert("RGB")


@dataclass(frozen=True)
class Noise:
    blur: float = 0.0
    rotate: float = 0.0
    jpeg_quality: int | None = None
    contrast: float = 1.0
    scale: float = 1.0
    shadow: float = 0.0  # darkening towards one side, as under a desk lamp


def random_noise(rng: random.Random, level: float = 1.0) -> Noise:
    return Noise(
        blur=rng.uniform(0, 1.0) * level,
        rotate=rng.uniform(-2.5, 2.5) * level,
        jpeg_quality=rng.randint(40, 85) if rng.random() < 0.8 * level else None,
        contrast=1 - rng.uniform(0, 0.45) * level,
        scale=rng.uniform(0.85, 1.1),
        shadow=rng.uniform(0.15, 0.35) * level if rng.random() < 0.3 else 0.0,
    )


def apply_noise(image: Image.Image, noise: Noise) -> bytes:
    """The noisy image encoded as the file a client would upload (JPEG or PNG)."""
    if noise.scale != 1.0:
        image = image.resize((int(image.width * noise.scale), int(image.height * noise.scale)), Image.LANCZOS)
    if noise.shadow:
        ramp = np.linspace(1.0, 1.0 - noise.shadow, image.width, dtype=np.float32)
        image = Image.fromarray((np.asarray(image, dtype=np.float32) * ramp[None, :, None]).astype(np.uint8))
    if noise.contrast < 1.0:
        image = ImageEnhance.Contrast(image).enhance(noise.contrast)
    if noise.rotate:
        image = image.rotate(noise.rotate, resample=Image.BICUBIC, expand=True, fillcolor=(200, 200, 200))
    if noise.blur:
        image = image.filter(ImageFilter.GaussianBlur(noise.blur))
    out = io.BytesIO()
    if noise.jpeg_quality:
        image.save(out, format="JPEG", quality=noise.jpeg_quality)
    else:
        image.save(out, format="PNG")
    return out.getvalue()
