"""`sme-assistant ocr verify` as staff run it: JSON lines, exit codes, bad files, annotations."""

from __future__ import annotations

import json
import random

import pytest
from PIL import Image

from eval.ocr.invoices import make_invoice, render_invoice
from eval.ocr.pdf import canvas_to_pdf
from tests.ocr.conftest import TODAY
from ui.cli import main as cli_main


def main(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        cli_main(argv)
    return exited.value.code


def test_batch_reports_each_file_and_keeps_going_past_bad_ones(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SME_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    rng = random.Random(3)
    invoice = make_invoice(rng, TODAY)
    canvas = render_invoice(invoice, rng)
    good = tmp_path / "invoice.pdf"  # a born-digital invoice: read from its text layer
    good.write_bytes(canvas_to_pdf(canvas))
    photo = tmp_path / "photo.png"
    canvas.image.save(photo)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(photo.read_bytes()[:2000])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    mislabelled = tmp_path / "notes.pdf"
    mislabelled.write_text("这不是PDF，只是改了扩展名的文本", encoding="utf-8")
    annotate = tmp_path / "annotated"

    code = main(["ocr", "verify", "--json", "--annotate", str(annotate),
                 str(good), str(truncated), str(empty), str(mislabelled), str(photo)])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(p) for p in (good, truncated, empty, mislabelled, photo)]
    first = lines[0]
    assert set(first) >= {"file", "doc_type", "fields", "checks", "verdict", "ocr_ms"}
    assert first["doc_type"] == "invoice" and first["verdict"] == "pass"
    assert first["fields"]["total_amount"]["value"] == invoice.fields["total_amount"]
    assert all({"name", "status", "detail"} <= set(c) for c in first["checks"])
    assert "损坏" in lines[1]["error"] and "为空" in lines[2]["error"] and "无法识别的文件类型" in lines[3]["error"]
    # The photo is the same invoice as the PDF: a second submission, caught from the data dir.
    duplicate = next(c for c in lines[4]["checks"] if c["name"] == "duplicate")
    assert duplicate["status"] == "fail" and "invoice.pdf" in duplicate["detail"]
    assert code == 1
    assert len([ln for ln in err.splitlines() if ln.startswith("错误")]) == 3
    written = sorted(p.name for p in annotate.iterdir())
    assert written == ["invoice.p1.annotated.png", "photo.p1.annotated.png"]  # no temporary leftovers
    assert Image.open(annotate / "invoice.p1.annotated.png").size == Image.open(photo).size


def test_a_clean_pass_exits_zero_and_a_missing_file_exits_two(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SME_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    rng = random.Random(4)
    path = tmp_path / "e-invoice.pdf"
    path.write_bytes(canvas_to_pdf(render_invoice(make_invoice(rng, TODAY), rng)))
    assert main(["ocr", "verify", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "结论：通过" in out and "全国增值税发票查验平台" in out
    assert main(["ocr", "verify", str(tmp_path / "missing.png")]) == 2


def test_a_misconfigured_engine_is_one_line_naming_the_setting(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SME_ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SME_OCR_ENGINE", "paddleocr")
    image = tmp_path / "a.png"
    Image.new("RGB", (100, 100), "white").save(image)
    assert main(["ocr", "verify", str(image), str(image)]) == 2
    _, err = capsys.readouterr()
    assert err.strip().splitlines() == [err.strip()] and "SME_OCR_PADDLE_DET_DIR" in err
