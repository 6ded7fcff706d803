"""Synthetic 数电票 files, XML and OFD, from the same invoice data as the images.

    python -m eval.ocr.einvoices OUT_DIR --count 20 --seed 5

Our own files, laid out like the public 数电票 ones: the XML's ``EInvoice`` tree, and an OFD (a ZIP
of XML) whose page holds one text object per printed value and whose invoice tags point at them.
The truth is written next to them (``truth.jsonl``), as for the image sets.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import zipfile
from datetime import date
from pathlib import Path

from lxml import etree

from eval.ocr.invoices import InvoiceData, make_invoice

OFD_NS = "http://www.ofdspec.org/2016"


def digital_invoice(rng: random.Random, today: date, defect: str | None = None) -> InvoiceData:
    while True:  # the generator draws both layouts; a 数电票 file is only ever the digital one
        inv = make_invoice(rng, today, defect)
        if inv.layout == "digital":
            return inv


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def invoice_xml(inv: InvoiceData) -> bytes:
    f = inv.fields
    root = etree.Element("EInvoice")
    header = _sub(root, "Header")
    _sub(header, "EIid", f["invoice_number"])
    _sub(header, "EInvoiceTag", "SWEI3500")
    _sub(header, "Version", "0.1")
    label = _sub(_sub(header, "InherentLabel"), "GeneralOrSpecialVAT")
    _sub(label, "LabelCode", "01" if inv.special else "02")
    _sub(label, "LabelName", "增值税专用发票" if inv.special else "普通发票")
    data = _sub(root, "EInvoiceData")
    seller = _sub(data, "SellerInformation")
    _sub(seller, "SellerIdNum", f["seller_tax_id"])
    _sub(seller, "SellerName", f["seller_name"])
    buyer = _sub(data, "BuyerInformation")
    _sub(buyer, "BuyerIdNum", f["buyer_tax_id"])
    _sub(buyer, "BuyerName", f["buyer_name"])
    basic = _sub(data, "BasicInformation")
    _sub(basic, "TotalAmWithoutTax", f["amount"])
    _sub(basic, "TotalTaxAm", f["tax_amount"])
    _sub(basic, "TotalTax-includedAmount", f["total_amount"])
    _sub(basic, "TotalTax-includedAmountInChinese", f["total_amount_cn"])
    _sub(basic, "RequestTime", f"{f['issue_date']} 10:15:00")
    for item in inv.items:
        node = _sub(data, "IssuItemInformation")
        for tag, key in (("ItemName", "name"), ("MeaUnits", "unit"), ("Quantity", "quantity"),
                         ("UnPrice", "unit_price"), ("Amount", "amount"), ("ComTaxAm", "tax_amount")):
            _sub(node, tag, item[key])
        _sub(node, "TaxRate", str(int(item["tax_rate"].rstrip("%")) / 100))
    supervision = _sub(root, "TaxSupervisionInfo")
    _sub(supervision, "InvoiceNumber", f["invoice_number"])
    _sub(supervision, "IssueTime", f["issue_date"])
    _sub(supervision, "TaxBureauCode", "13500000000")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _o(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def invoice_ofd(inv: InvoiceData) -> bytes:
    f = inv.fields
    title = f"电子发票（{'增值税专用发票' if inv.special else '普通发票'}）"
    page = etree.Element(_o("Page"), nsmap={"ofd": OFD_NS})
    layer = etree.SubElement(etree.SubElement(page, _o("Content")), _o("Layer"), ID="2")
    tags = etree.Element("eInvoice")
    next_id = [100]
    y = [10.0]

    def text_object(value: str) -> str:
        next_id[0] += 1
        y[0] += 4.5
        obj = etree.SubElement(layer, _o("TextObject"), ID=str(next_id[0]), Boundary=f"10 {y[0]:.1f} 190 4",
                               Font="3", Size="3.2")
        etree.SubElement(obj, _o("TextCode"), X="0", Y="3").text = value
        return str(next_id[0])

    def tag(parent: etree._Element, name: str, value: str) -> None:
        ref = etree.SubElement(etree.SubElement(parent, name), "ObjectRef", PageRef="1")
        ref.text = text_object(value)

    shown = {"InvoiceTitle": title, "InvoiceNo": f["invoice_number"],
             "IssueDate": "{}年{}月{}日".format(*f["issue_date"].split("-")),
             "BuyerName": f["buyer_name"], "BuyerTaxID": f["buyer_tax_id"],
             "SellerName": f["seller_name"], "SellerTaxID": f["seller_tax_id"],
             "TaxExclusiveTotalAmount": f"¥{f['amount']}", "TaxTotalAmount": f"¥{f['tax_amount']}",
             "TaxInclusiveTotalAmount": f"¥{f['total_amount']}",
             "TaxInclusiveTotalAmountInChinese": f["total_amount_cn"]}
    for name, value in shown.items():
        tag(tags, name, value)
    for item in inv.items:
        node = etree.SubElement(tags, "Item")
        for name, key in (("ItemName", "name"), ("Quantity", "quantity"), ("Price", "unit_price"),
                          ("Amount", "amount"), ("TaxScheme", "tax_rate"), ("TaxAmount", "tax_amount")):
            tag(node, name, item[key])
    ofd = etree.Element(_o("OFD"), nsmap={"ofd": OFD_NS}, DocType="OFD", Version="1.1")
    body = etree.SubElement(ofd, _o("DocBody"))
    etree.SubElement(etree.SubElement(body, _o("DocInfo")), _o("DocID")).text = f["invoice_number"]
    etree.SubElement(body, _o("DocRoot")).text = "Doc_0/Document.xml"
    document = etree.Element(_o("Document"), nsmap={"ofd": OFD_NS})
    area = etree.SubElement(etree.SubElement(document, _o("CommonData")), _o("PageArea"))
    etree.SubElement(area, _o("PhysicalBox")).text = "0 0 210 140"
    etree.SubElement(etree.SubElement(document, _o("Pages")), _o("Page"), ID="1", BaseLoc="Pages/Page_0/Content.xml")
    etree.SubElement(document, _o("CustomTags")).text = "Tags/CustomTags.xml"
    index = etree.Element(_o("CustomTags"), nsmap={"ofd": OFD_NS})
    custom = etree.SubElement(index, _o("CustomTag"), NameSpace="ofd:invoice", TypeID="invoice")
    etree.SubElement(custom, _o("FileLoc")).text = "CustomTag.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", _xml(ofd))
        z.writestr("Doc_0/Document.xml", _xml(document))
        z.writestr("Doc_0/Pages/Page_0/Content.xml", _xml(page))
        z.writestr("Doc_0/Tags/CustomTags.xml", _xml(index))
        z.writestr("Doc_0/Tags/CustomTag.xml", _xml(tags))
    return out.getvalue()


def generate_einvoices(count: int, seed: int, today: date) -> list[tuple[str, bytes, dict]]:
    """(file name, bytes, truth) alternating XML and OFD, every invoice clean."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        inv = digital_invoice(rng, today)
        as_ofd = i % 2 == 1
        truth = {"kind": "invoice", "fields": {**inv.fields, "line_items": inv.items}, "defects": []}
        name = f"{i:04d}_einvoice.{'ofd' if as_ofd else 'xml'}"
        out.append((name, invoice_ofd(inv) if as_ofd else invoice_xml(inv), {"file": name, **truth}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 30))
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with (args.out_dir / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for name, data, fields in generate_einvoices(args.count, args.seed, args.today):
            (args.out_dir / name).write_bytes(data)
            truth.write(json.dumps(fields, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
