"""Contract fields: parties, number, dates, amount in figures and words, term, clauses, seals, blanks."""

from __future__ import annotations

import re

import numpy as np

from ocr.fields.common import DATE_RX, parse_date
from ocr.fields.invoice import WORD_CHARS
from ocr.inputs import Page
from ocr.layout import Token, find_label, find_value
from ocr.model import Extraction
from ocr.validators import parse_money, repair_amount_words, repair_credit_code

ENTITY = r".{2,40}?(?:有限公司|股份公司|公司|厂|商行|店|中心|合作社|事务所)"
CLAUSES = {
    "标的": "标的|产品名称|货物名称|服务内容",
    "价款/付款": "价款|付款|结算",
    "履行期限": "履行期限|交货期限|交付期限|合同期限",
    "违约责任": "违约",
    "争议解决": "争议|仲裁|诉讼",
}
# Labels that must carry a value; one found with nothing after it is a blank left unfilled.
REQUIRED = {"contract_number": "合同编号", "signing_date": "签订日期|签约日期", "amount": "合同总金额|合同金额|总价款"}


def extract_contract(tokens: list[Token], pages: list[Page]) -> Extraction:
    ex = Extraction("contract")
    _parties(tokens, ex)
    found = find_value(tokens, "合同编号", r"[A-Za-z0-9][A-Za-z0-9\-_/]{2,}")
    if found:
        ex.put("contract_number", found.value, found.tokens)
    found = find_value(tokens, "签订日期|签约日期", r".{6,}")
    if found:
        signed, _, repairs = parse_date(found.value, "signing_date")
        ex.repairs += repairs
        if signed:
            ex.put("signing_date", signed, found.tokens)
    _amounts(tokens, ex)
    _term(tokens, ex)
    text = "".join(t.text for t in tokens)
    ex.facts["clauses_missing"] = [name for name, rx in CLAUSES.items() if not re.search(rx, text)]
    per_page = [count_red_seals(page.image) for page in pages]
    ex.facts["seals"] = sum(per_page)
    # The signature page: where the seals are, else where the 盖章/签字 lines are (1-based).
    sealed = [i + 1 for i, n in enumerate(per_page) if n]
    signing = sorted({t.source.page + 1 for t in tokens if re.search("盖章|签字|签名|代表人", t.text)})
    ex.facts["signature_page"] = (sealed or signing or [None])[-1]
    # A representative's name after 代表人/签字 is the nearest thing to a signature OCR can see.
    ex.facts["signatures"] = sum(
        1 for t in tokens if re.search(r"(?:代表人|签字|签名)[:：]\s*[\u4e00-\u9fff]{2,4}$", t.text)
    )
    ex.facts["blanks"] = [
        name for name, label in REQUIRED.items() if name not in ex.fields and find_label(tokens, label) is not None
    ]
    return ex


def _parties(tokens: list[Token], ex: Extraction) -> None:
    labels = []
    for party, label in (("party_a", "甲方"), ("party_b", "乙方")):
        found = find_value(tokens, f"{label}(?:[（(][^）)]{{0,6}}[）)])?", ENTITY)
        if found:
            ex.put(party, found.value, found.tokens)
            labels.append((party, found.tokens[0]))
    # A credit code belongs to the nearest party named above it.
    for token in sorted(tokens, key=lambda t: t.cy):
        match = re.search(r"统一社会信用代码[:：]?\s*([0-9A-Za-z]{15,20})", token.text)
        if not match:
            continue
        above = [(party, t) for party, t in labels if t.cy <= token.cy + 2]
        if not above:
            continue
        party = max(above, key=lambda pt: pt[1].cy)[0]
        name = f"{party}_credit_code"
        if name not in ex.fields:
            code, repairs = repair_credit_code(match.group(1), name)
            ex.repairs += repairs
            ex.put(name, code, (token,))


def _amounts(tokens: list[Token], ex: Extraction) -> None:
    label = "合同总金额|合同金额|总价款"
    figure = find_value(tokens, f"(?:{label})[^¥￥0-9]{{0,8}}", r"[¥￥]\s*[0-9OoIlSB,，.]+")
    if figure:
        value, repairs = parse_money(figure.value, "amount")
        ex.repairs += repairs
        ex.put("amount", value, figure.tokens)
    words = find_value(tokens, "大写[)）]?", f"(?:人民币)?[{WORD_CHARS}]{{2,}}")
    if words:
        fixed, repairs = repair_amount_words(words.value.removeprefix("人民币"), "amount_cn")
        ex.repairs += repairs
        ex.put("amount_cn", fixed, words.tokens)


def _term(tokens: list[Token], ex: Extraction) -> None:
    found = find_value(tokens, "履行期限|合同期限|有效期", r".*\d.*")
    if not found:
        return
    dates = [m.group(0) for m in DATE_RX.finditer(found.value)]
    if len(dates) >= 2:
        start, _, rep1 = parse_date(dates[0], "term_start")
        end, _, rep2 = parse_date(dates[1], "term_end")
        ex.repairs += rep1 + rep2
        ex.put("term_start", start, found.tokens)
        ex.put("term_end", end, found.tokens)


def count_red_seals(image: np.ndarray) -> int:
    """Red, roughly round blobs of seal size; colour alone because seals overlap text."""
    import cv2

    small = image
    scale = 1.0
    if max(image.shape[:2]) > 1200:  # seal detection does not need full resolution
        scale = 1200 / max(image.shape[:2])
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # Redness as R above both G and B, not HSV saturation: a washed-out scan keeps the first but
    # loses the second, and black text or a tinted paper never has it.
    rgb = small.astype(np.int16)
    redness = rgb[:, :, 0] - np.maximum(rgb[:, :, 1], rgb[:, :, 2])
    mask = ((redness > 35) & (rgb[:, :, 0] > 100)).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    min_side = 0.06 * min(small.shape[:2])
    seals = 0
    for i in range(1, count):
        _, _, w, h, area = stats[i]
        if w >= min_side and h >= min_side and 0.6 < w / h < 1.7 and area > 0.05 * w * h:
            seals += 1
    return seals
