"""Is this the applicant's own paper? The invoice's buyer or seller, the contract's party, the
licence holder must be the company that applies.

Company names are compared after normalising what differs between a form, an OCR reading and a
printed invoice without changing the company: full-width and half-width characters, brackets,
spaces, and the spellings of the legal form (有限责任公司 / 有限公司, 股份有限公司 / 股份公司).
"""

from __future__ import annotations

import re
import unicodedata

from ocr.model import CheckResult, Extraction

# Which fields name a party, by document type, and how a party is called in the check's wording.
PARTIES = {
    "invoice": (("buyer_name", "购买方"), ("seller_name", "销售方")),
    "contract": (("party_a", "甲方"), ("party_b", "乙方")),
    "business_licence": (("name", "执照名称"),),
}
# Longest first: 股份有限公司 also ends in 有限公司.
LEGAL_FORMS = (("股份有限公司", "股份公司"), ("有限责任公司", "有限公司"))


def normalise_company(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)  # full-width letters, digits and brackets to half-width
    text = re.sub(r"[\s()\[\]（）【】〔〕·・.,，。\"'“”]", "", text)
    for long, short in LEGAL_FORMS:
        if text.endswith(long):
            text = text[: -len(long)] + short
            break
    return text.upper()


def check_applicant(ex: Extraction, applicant: str) -> CheckResult | None:
    """A pass naming the matching party, a fail naming them all, a warning if none was read."""
    parties = PARTIES.get(ex.doc_type)
    if not parties or not applicant.strip():
        return None
    wanted = normalise_company(applicant)
    named = [(label, ex.value(name)) for name, label in parties if ex.value(name)]
    for label, value in named:
        if normalise_company(str(value)) == wanted:
            return CheckResult("applicant", "pass", f"{label}“{value}”即申请人")
    if not named:
        labels = "、".join(label for _, label in parties)
        return CheckResult("applicant", "warn", f"未识别到{labels}名称，无法与申请人比对")
    shown = "、".join(f"{label}“{value}”" for label, value in named)
    return CheckResult("applicant", "fail",
                       f"申请人“{applicant}”不是本文件的当事方（{shown}），请确认是否为申请人本人的材料")


def applicant_summary(ex: Extraction, applicant: str | None, check: CheckResult | None) -> dict | None:
    """What the staff view shows: the applicant, which party matched, the status."""
    if not applicant or check is None:
        return None
    matched = next((label for name, label in PARTIES.get(ex.doc_type, ())
                    if ex.value(name) and normalise_company(str(ex.value(name))) == normalise_company(applicant)),
                   None)
    return {"applicant": applicant, "matched_party": matched, "status": check.status, "detail": check.detail}
