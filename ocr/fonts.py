"""A CJK font from the project's own install, for annotations and the synthetic generator."""

from __future__ import annotations

from pathlib import Path

from ocr.errors import EngineUnavailable

SYSTEM_FALLBACKS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def cjk_fonts(include_system: bool = True) -> list[Path]:
    """Every CJK font available: Noto Sans SC, Noto Serif SC, WenQuanYi Micro Hei, system ones.

    ``include_system=False`` gives only the fonts the project's own packages ship, so a synthetic
    set is the same on every machine whatever fonts its system happens to have.
    """
    found: list[Path] = []
    try:
        import pylopdf_fonts_zh_cn as noto

        found += [noto.sans_path(), noto.serif_path()]
    except ImportError:
        pass
    try:
        import paperang_p2_fonts_cjk as wqy

        found.append(Path(wqy.__file__).parent / "fonts" / "wqy-microhei.ttc")
    except ImportError:
        pass
    if include_system:
        found += list(SYSTEM_FALLBACKS)
    return [p for p in found if p.is_file()]


def cjk_font() -> Path:
    fonts = cjk_fonts()
    if not fonts:
        raise EngineUnavailable(
            "no CJK font installed: pip install pylopdf-fonts-zh-cn (or apt-get install fonts-wqy-microhei)"
        )
    return fonts[0]
