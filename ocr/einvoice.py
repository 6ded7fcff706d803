"""数电票 files read exactly: the XML file, and the OFD file (a ZIP of XML) through its tags.

No OCR: every field is the issuer's own text. The XML layout is the one the public 数电票 files
use (``EInvoice/Header``, ``EInvoiceData/SellerInformation``…, ``TaxSupervisionInfo``); the OFD's
invoice tags (``CustomTag.xml``) point at the text objects of the page that hold each field.

An upload is untrusted: a DTD is refused (no entity expansion), the ZIP's declared unpacked sizes
are checked against the upload limit before anything is inflated, and every read is capped.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from decimal import Decimal, InvalidOperation

from lxml import etree

from ocr.errors import DocumentRejected
from ocr.fields.common import parse_date
from ocr.inputs import InputLimits
from ocr.model import Extraction, Field
from ocr.validators import parse_money

MAX_MEMBERS = 500
MAX_RATIO = 200  # unpacked ÷ packed; XML compresses well, but not by more than this
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
# 数电票 XML element → field; the first element found wins.
XML_FIELDS = {
    "invoice_number": ("EIid", "InvoiceNumber"),
    "seller_name": ("SellerName",), "seller_tax_id": ("SellerIdNum",),
    "buyer_name": ("BuyerName",), "buyer_tax_id": ("BuyerIdNum",),
    "amount": ("TotalAmWithoutTax",), "tax_amount": ("TotalTaxAm",),
    "total_amount": ("TotalTax-includedAmount",), "total_amount_cn": ("TotalTax-includedAmountInChinese",),
    "issue_date": ("IssueTime", "RequestTime"),
}
ITEM_FIELDS = {"name": "ItemName", "spec": "SpecMod", "unit": "MeaUnits", "quantity": "Quantity",
               "unit_price": "UnPrice", "amount": "Amount", "tax_rate": "TaxRate", "tax_amount": "ComTaxAm"}
# OFD invoice tag → field (the tag names of the tax system's OFD invoices).
OFD_TAGS = {
    "InvoiceNo": "invoice_number", "IssueDate": "issue_date", "BuyerName": "buyer_name",
    "BuyerTaxID": "buyer_tax_id", "SellerName": "seller_name", "SellerTaxID": "seller_tax_id",
    "TaxExclusiveTotalAmount": "amount", "TaxTotalAmount": "tax_amount",
    "TaxInclusiveTotalAmount": "total_amount", "TaxInclusiveTotalAmountInChinese": "total_amount_cn",
    "InvoiceTitle": "invoice_title",
}
OFD_ITEM_TAGS = {"ItemName": "name", "Amount": "amount", "TaxScheme": "tax_rate", "TaxAmount": "tax_amount",
                 "Quantity": "quantity", "Price": "unit_price"}


def read_einvoice(data: bytes, limits: InputLimits) -> tuple[Extraction, str]:
    """(the invoice's fields, "xml" or "ofd")."""
    if data.startswith(b"PK\x03\x04"):
        return _from_ofd(_SafeZip(data, limits)), "ofd"
    return _from_xml(parse_xml(data)), "xml"


def parse_xml(data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data:
        raise DocumentRejected("XML 文件含有文档类型定义，已拒绝（DTD not allowed）")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocumentRejected(f"XML 文件已损坏或不完整（corrupt XML）：{exc.msg}") from exc


def _local(root: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == name]


def _text(root: etree._Element, name: str) -> str | None:
    for el in _local(root, name):
        if el.text and el.text.strip():
            return el.text.strip()
    return None


def _put(ex: Extraction, name: str, value: object) -> None:
    if value is not None and value != "":
        ex.fields[name] = Field(name, value, 1.0)  # the issuer's own text: certain


def _typed(ex: Extraction, name: str, raw: str) -> object:
    """The field's value in the type the checks expect (money as Decimal, dates as date)."""
    if name in ("amount", "tax_amount", "total_amount"):
        return parse_money(raw, name)[0]
    if name == "issue_date":
        parsed = parse_date(raw, name)[0]
        if parsed is None and len(raw) >= 10:
            parsed = parse_date(raw[:10].replace("-", "年", 1).replace("-", "月", 1) + "日", name)[0]
        return parsed or raw
    if name.endswith("tax_id"):
        return raw.replace(" ", "").upper()
    return raw


def _rate(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    if "免税" in raw or "不征税" in raw:
        return Decimal(0)
    try:
        value = Decimal(raw.strip().rstrip("%"))
    except InvalidOperation:
        return None
    return (value / 100 if raw.strip().endswith("%") or value > 1 else value).normalize()


def _finish_items(ex: Extraction, items: list[dict]) -> None:
    if items:
        ex.fields["line_items"] = Field("line_items", items, 1.0)
        rates = {i.get("tax_rate") for i in items}
        if len(rates) == 1 and None not in rates:
            _put(ex, "tax_rate", rates.pop())


def _from_xml(root: etree._Element) -> Extraction:
    if etree.QName(root).localname != "EInvoice":
        raise DocumentRejected("XML 文件不是数电票（root element is not EInvoice）")
    ex = Extraction("invoice")
    for name, elements in XML_FIELDS.items():
        raw = next((t for t in (_text(root, e) for e in elements) if t), None)
        if raw is not None:
            _put(ex, name, _typed(ex, name, raw))
    label = _text(root, "LabelName") or ""
    code = _text(root, "LabelCode") or ""
    special = "专用" in label or code == "01"
    _put(ex, "invoice_type", "digital_special" if special else "digital_general")
    items = []
    for node in _local(root, "IssuItemInformation"):
        raw = {key: _text(node, element) for key, element in ITEM_FIELDS.items()}
        items.append(_item(raw))
    _finish_items(ex, items)
    return ex


def _item(raw: dict[str, str | None]) -> dict:
    item: dict = {"name": raw.get("name") or "", "amount": parse_money(raw.get("amount") or "", "amount")[0],
                  "tax_amount": parse_money(raw.get("tax_amount") or "", "tax_amount")[0],
                  "tax_rate": _rate(raw.get("tax_rate"))}
    for key in ("quantity", "unit_price", "unit", "spec"):
        if raw.get(key):
            item[key] = raw[key]
    return item


class _SafeZip:
    """A ZIP whose members are read only within the upload's size budget."""

    def __init__(self, data: bytes, limits: InputLimits) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError) as exc:
            raise DocumentRejected(f"OFD/ZIP 文件已损坏（corrupt ZIP）：{exc}") from exc
        if len(infos) > MAX_MEMBERS:
            raise DocumentRejected(f"压缩包内文件过多：{len(infos)} 个（too many members）")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_bytes:
            raise DocumentRejected(f"解压后过大：{declared / 1048576:.1f} MB，上限 {limits.max_bytes / 1048576:.0f} MB"
                                   "（unpacked size too large）")
        for info in infos:
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise DocumentRejected("压缩比异常，疑似压缩炸弹，已拒绝（zip bomb refused）")
        self.names = {i.filename: i for i in infos}
        self.budget = limits.max_bytes
        if "OFD.xml" not in self.names:
            raise DocumentRejected("无法识别的文件类型：压缩包不是 OFD 文件，请上传图片、PDF 或数电票 OFD/XML 文件"
                                   "（unsupported file type）")

    def xml(self, name: str) -> etree._Element:
        info = self.names.get(name.lstrip("/"))
        if info is None:
            raise DocumentRejected(f"OFD 文件不完整：缺少 {name}（missing member）")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(min(info.file_size, self.budget) + 1)  # never more than declared
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
            raise DocumentRejected(f"OFD 文件已损坏（corrupt member {name}）") from exc
        if len(data) > info.file_size or len(data) > self.budget:
            raise DocumentRejected("OFD 文件内容超出声明大小，已拒绝（zip bomb refused）")
        self.budget -= len(data)
        return parse_xml(data)


def _from_ofd(ofd: _SafeZip) -> Extraction:
    doc_root = _text(ofd.xml("OFD.xml"), "DocRoot")
    if not doc_root:
        raise DocumentRejected("OFD 文件缺少 DocRoot（not an OFD document）")
    base = posixpath.dirname(doc_root.lstrip("/"))
    document = ofd.xml(doc_root)
    texts: dict[str, str] = {}
    for page in _local(document, "Page"):
        content = ofd.xml(posixpath.join(base, page.get("BaseLoc", "")))
        for obj in _local(content, "TextObject"):
            texts[obj.get("ID", "")] = "".join(code.text or "" for code in _local(obj, "TextCode")).strip()
    tags_loc = _text(document, "CustomTags")
    if not tags_loc:
        raise DocumentRejected("OFD 文件没有发票标签（CustomTags），不是数电票 OFD")
    tags_path = posixpath.join(base, tags_loc)
    tag_index = ofd.xml(tags_path)
    ex = Extraction("invoice")
    items: list[dict] = []
    for loc in _local(tag_index, "FileLoc"):
        tags = ofd.xml(posixpath.join(posixpath.dirname(tags_path), (loc.text or "").strip()))
        for element in tags.iter():
            if not isinstance(element.tag, str):
                continue
            name = OFD_TAGS.get(etree.QName(element).localname)
            if name:
                raw = _refs(element, texts)
                if raw:
                    _put(ex, name, _typed(ex, name, raw))
        for node in _local(tags, "Item"):
            raw_item = {key: None for key in ITEM_FIELDS}
            for child in node:
                key = OFD_ITEM_TAGS.get(etree.QName(child).localname) if isinstance(child.tag, str) else None
                if key:
                    raw_item[key] = _refs(child, texts)
            items.append(_item(raw_item))
    title = ex.fields.pop("invoice_title", None)
    _put(ex, "invoice_type", "digital_special" if title and "专用" in str(title.value) else "digital_general")
    _finish_items(ex, items)
    return ex


def _refs(element: etree._Element, texts: dict[str, str]) -> str:
    """The text of the page objects an invoice tag points at (direct refs only, not nested items')."""
    refs = [child for child in element if isinstance(child.tag, str) and etree.QName(child).localname == "ObjectRef"]
    return "".join(texts.get((ref.text or "").strip(), "") for ref in refs).strip()
