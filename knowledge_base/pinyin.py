"""Typos and homophones by sound: 只押 → 质押, 票剧 → 票据, 供应连 → 供应链, 代款 → 贷款.

Chinese typing is by pinyin, so a client's typo is usually a character that sounds like the right
one. A stretch of the question that is not a word but sounds exactly like a term of the knowledge
base's own vocabulary is read as that term. Short stretches (two characters, where homophones
are common) are read as the domain's key terms (document titles and section headings), or as a
word the knowledge base uses that is far more common in the language than what was typed
(力率 → 利率, 最底 → 最低, 要球 → 要求), and only when the stretch is a word of its own in the
question, not the end of one word and the start of the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import jieba
from pypinyin import Style, lazy_pinyin

from knowledge_base.tokenize import dictionary_frequency, is_dictionary_word

MAX_LEN = 8
# A two-character stretch is read as a common word that sounds the same only when the language
# uses that word this many times more often: 力率 (3) is a typo of 利率 (1443). And only as an
# everyday word (jieba counts 利率 1443 times): 营收 is no typo of the bookkeeping term 应收 (101),
# however rarely jieba counts it.
COMMONER = 100
EVERYDAY = 1000
# Variant characters clients type for the standard ones (帐户, 对帐: 账), same sound and meaning.
_VARIANTS = str.maketrans({"帐": "账"})
# Particles and pronouns: a two-character stretch with one (部的 in 信贷部的人) is two words, never
# a common word mistyped; 要球 (要求) may be, so 要, 有, 能 are not among them.
_PARTICLES = set("的了吗呢吧啊呀么着过我你他她它们这那是在和与及或也都就还")
# Function characters: a stretch containing one is a phrase, not a misspelt term.
_FUNCTION_CHARS = set("的了是在和与及或吗呢吧啊呀么我你他她它们这那有没不也都就还要会能可")


def _is_cjk(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


class PinyinMatcher:
    def __init__(self, key_terms: Iterable[str], vocabulary: Iterable[str], known: set[str]) -> None:
        self._key = {t for t in key_terms if _is_cjk(t) and 2 <= len(t) <= MAX_LEN}
        self._vocab = {t for t in vocabulary if _is_cjk(t) and 3 <= len(t) <= MAX_LEN} | self._key
        self._known = known  # words the knowledge base itself uses: never "corrected"

    @cached_property
    def _by_near_sound(self) -> dict[tuple[str, ...], str]:
        """Terms of three characters or more by a looser sound (jin/jing, zi/zhi, si/shi: what
        many speakers do not tell apart when typing pinyin); a sound two terms share is dropped."""
        table: dict[tuple[str, ...], str] = {}
        shared: set[tuple[str, ...]] = set()
        for term in self._vocab:
            if len(term) >= 3:
                sound = _near(lazy_pinyin(term, style=Style.NORMAL))
                if table.setdefault(sound, term) != term:
                    shared.add(sound)
        return {sound: term for sound, term in table.items() if sound not in shared}

    @cached_property
    def _by_sound(self) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        # Key terms first: on a tie of sound, the domain's own term wins.
        for term in sorted(self._key, key=len, reverse=True) + sorted(self._vocab - self._key):
            table.setdefault(tuple(lazy_pinyin(term, style=Style.NORMAL)), term)
        return table

    @cached_property
    def _common_by_sound(self) -> dict[tuple[str, ...], str]:
        """Two-character words the knowledge base uses, by exact sound; on a tie, the commonest."""
        table: dict[tuple[str, ...], str] = {}
        for word in self._known:
            if len(word) == 2 and _is_cjk(word):
                sound = tuple(lazy_pinyin(word, style=Style.NORMAL))
                if dictionary_frequency(word) > dictionary_frequency(table.get(sound, "")):
                    table[sound] = word
        return table

    def _common_word(self, window: str, sound: tuple[str, ...], starts: set[int], i: int) -> str | None:
        """The common KB word a two-character stretch mistypes, or None."""
        term = self._common_by_sound.get(sound)
        if (term is None or term == window or i not in starts or i + 2 not in starts or window in self._known
                or _PARTICLES & set(window)):
            return None
        frequency = dictionary_frequency(term)
        return term if frequency >= EVERYDAY and frequency >= COMMONER * max(dictionary_frequency(window), 1) else None

    def correct(self, text: str) -> str:
        """``text`` with each stretch that sounds like a knowledge-base term but is spelt
        differently replaced by that term; everything else unchanged."""
        if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return text
        text = text.translate(_VARIANTS)
        sounds = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))
        if len(sounds) != len(text):
            return text
        table = self._by_sound
        # Where the question's own words start and end (HMM off: unknown characters stay single).
        starts, at = {0}, 0
        for word in jieba.dt.lcut(text, HMM=False):
            at += len(word)
            starts.add(at)
        out: list[str] = []
        i = 0
        while i < len(text):
            replaced = False
            for length in range(min(MAX_LEN, len(text) - i), 1, -1):
                window = text[i : i + length]
                if not _is_cjk(window):
                    continue
                term = table.get(tuple(sounds[i : i + length]))
                if term is None and length >= 3:
                    term = self._by_near_sound.get(_near(sounds[i : i + length]))
                if term is None or term == window:
                    if term == window:
                        break  # spelt right: keep it and do not look inside it
                    continue
                # A function character makes a stretch a phrase, unless it sounds like a whole key term
                # of four characters or more (政府风险不偿贷): no phrase sounds like a product's title.
                phrase = bool(_FUNCTION_CHARS & set(window)) and not (length >= 4 and term in self._key)
                if (window in self._known or is_dictionary_word(window) or phrase
                        or (length == 2 and term not in self._key)):
                    continue
                out.append(term)
                i += length
                replaced = True
                break
            if not replaced and i + 2 <= len(text) and _is_cjk(text[i : i + 2]):
                term = self._common_word(text[i : i + 2], tuple(sounds[i : i + 2]), starts, i)
                if term is not None:
                    out.append(term)
                    i += 2
                    continue
            if not replaced:
                out.append(text[i])
                i += 1
        return "".join(out)


def _near(sounds: list[str]) -> tuple[str, ...]:
    """Syllables with the distinctions pinyin typists most often miss folded away: zh/ch/sh and
    z/c/s, -ng and -n."""
    out = []
    for sound in sounds:
        for retroflex, plain in (("zh", "z"), ("ch", "c"), ("sh", "s")):
            if sound.startswith(retroflex):
                sound = plain + sound[2:]
        if sound.endswith("ng") and len(sound) > 2:
            sound = sound[:-1]
        out.append(sound)
    return tuple(out)
