"""Cleanup of real extracted text: the defects found in the seed papers."""

from knowledge_base.cleaning import clean_text, remove_headers_footers


def test_sentences_broken_across_lines_and_blank_lines_are_rejoined():
    raw = "小微科创企业是科技创\n\n新重要主体之一，数量众多。\n\n第二段从这里开始。"
    assert clean_text(raw) == "小微科创企业是科技创新重要主体之一，数量众多。\n\n第二段从这里开始。"


def test_headings_stay_on_their_own_line():
    raw = "前文到此结束。\n\n（一）产业场景的复杂性高\n\n产业场景的复杂性制约着产业金融。"
    assert "（一）产业场景的复杂性高\n\n产业场景" in clean_text(raw)


def test_spaces_between_chinese_characters_are_removed_but_not_between_words():
    assert clean_text("摘    要", reflow=False) == "摘要"
    assert clean_text("Sci-Tech finance area", reflow=False) == "Sci-Tech finance area"


def test_garbled_glyph_runs_are_dropped():
    raw = "ॕ▁ৼ��中小企业金融服务ࣩ࠭ڪࢤ\n正常的一句话。"
    cleaned = clean_text(raw, reflow=False)
    assert "中小企业金融服务" in cleaned
    assert not any(ch in cleaned for ch in "ॕৼ�ࣩڪ")
    assert "正常的一句话。" in cleaned


def test_full_width_digits_and_letters_become_half_width_but_chinese_punctuation_stays():
    assert clean_text("年化利率３．４５％，额度ＡＢＣ。", reflow=False) == "年化利率3.45%，额度ABC。"


def test_running_headers_and_page_numbers_are_removed():
    pages = [f"中小企业金融服务白皮书 {n}\n正文第{n}页的内容。\n- {n} -" for n in range(1, 6)]
    cleaned = remove_headers_footers(pages)
    assert all("白皮书" not in p and f"- {i + 1} -" not in p for i, p in enumerate(cleaned))
    assert "正文第3页的内容。" in cleaned[2]
