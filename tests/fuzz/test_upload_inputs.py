"""Fuzz the upload reader: any bytes are pages or one clear DocumentRejected, never another exception."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from ocr.errors import DocumentRejected
from ocr.inputs import InputLimits, load_pages, sniff

LIMITS = InputLimits(max_bytes=256 * 1024, max_pixels=2_000_000, max_pages=3)
MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x00\x00\x00\x00WEBP", b"II*\x00", b"MM\x00*", b"BM",
         b"%PDF-1.4\n", b"GIF89a", b""]


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _read(data: bytes) -> None:
    try:
        pages = load_pages(data, LIMITS)
    except DocumentRejected as exc:
        assert str(exc)
        return
    assert 1 <= len(pages) <= LIMITS.max_pages
    for page in pages:
        assert page.image.ndim == 3 and page.image.shape[2] == 3


@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=3000))
def test_magic_numbers_with_garbage(magic: bytes, tail: bytes) -> None:
    _read(magic + tail)


@given(cut=st.integers(min_value=0, max_value=400), flips=st.lists(st.tuples(st.integers(0, 399), st.integers(0, 255)),
                                                                   max_size=6),
       size=st.tuples(st.integers(1, 120), st.integers(1, 120)))
def test_damaged_real_images(cut: int, flips: list[tuple[int, int]], size: tuple[int, int]) -> None:
    data = bytearray(_png(*size))
    for at, value in flips:
        if at < len(data):
            data[at] = value
    _read(bytes(data[: len(data) - cut] if cut else data))


@given(data=st.binary(max_size=64))
def test_sniff_decides_or_refuses(data: bytes) -> None:
    with contextlib.suppress(DocumentRejected):
        assert sniff(data) in {"png", "jpeg", "webp", "tiff", "bmp", "pdf"}
