"""English typos are read as the knowledge base's own words, and only slips are corrected."""

from knowledge_base.spelling import SpellingCorrector

HANDBOOK = ["The mortgage loan is secured by a building or land use rights.",
            "Receivable financing approval within 3 working days.", "factors such as turnover"]


def test_a_letter_left_out_or_two_swapped_is_read_as_the_known_word():
    spelling = SpellingCorrector(HANDBOOK)
    assert spelling.correct("wats the mortage rate for a bulding?") == "what's the mortgage rate for a building?"
    assert spelling.correct("recievable financing aproval") == "receivable financing approval"


def test_a_different_word_is_not_a_slip():
    # factory is one letter from factors, but that is another word, not a typo.
    spelling = SpellingCorrector(HANDBOOK)
    assert spelling.correct("we pledge a factory") == "we pledge a factory"
    assert spelling.correct("贷款 mortage") == "贷款 mortage"  # Chinese text is left to the pinyin matcher
