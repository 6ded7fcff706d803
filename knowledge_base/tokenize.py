"""Chinese-aware tokenization for BM25 and for matching sentences to a question.

jieba's search mode emits both words and their sub-words (知识产权 → 知识, 产权, 知识产权), which
gives paraphrases more to match on. Each ``Tokenizer`` owns its own jieba dictionary so domain
words (product names, glossary terms) can be added per knowledge base without global state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import jieba

# Function words and question words: they say nothing about which passage answers a question.
STOPWORDS = frozenset(
    (
        "的 了 是 在 和 与 及 或 吗 呢 吧 啊 呀 哦 嘛 么 之 其 这 那 这个 那个 这些 "
        "那些 我 我们 你 你们 您 他 她 它 他们 贵 本 该 请问 请 问 想 想要 要 需要 "
        "一下 什么 怎么 怎样 怎么样 如何 哪些 哪个 哪 是否 是不是 可以 可不可以 能 能否 "
        "能不能 会 会不会 有 有没有 没有 吗 多 都 也 还 就 又 再 被 把 给 对 从 向 为 "
        "为了 以 以及 等 等等 并 并且 而 而且 如果 因为 所以 但 但是 一个 一些 个 位 种 "
        "下 上 中 里 时 时候 啦 哈 嗯 呗 吧 a an the is are was were "
        "be to of in on for and or do does did can could "
        "would should i we you it this that what how "
        "which who when where why please my our your me "
    ).split()
)
_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff%.]+")
_NUMBER = re.compile(r"^\d+(\.\d+)?%?$")

logging.getLogger("jieba").setLevel(logging.WARNING)


class Tokenizer:
    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in extra_words:
            if word and len(word) >= 2:
                self._jieba.add_word(word, freq=2000)

    def tokens(self, text: str) -> list[str]:
        """Content tokens of ``text``, lower-cased, stopwords and punctuation removed."""
        out = []
        for token in self._jieba.cut_for_search(text.lower(), HMM=True):
            token = token.strip()
            if not token or token in STOPWORDS or not _TOKEN_OK.fullmatch(token):
                continue
            if len(token) == 1 and not token.isdigit() and not ("\u4e00" <= token <= "\u9fff"):
                continue
            out.append(token)
        return out

    def words(self, text: str) -> list[str]:
        """Whole words (no sub-words), for display-side heuristics."""
        return [t for t in self._jieba.lcut(text.lower()) if t.strip() and t not in STOPWORDS]


def is_dictionary_word(word: str) -> bool:
    """Whether jieba's general dictionary lists ``word`` (信贷, 银行): a word of the language, not
    of one knowledge base. The shared dictionary is loaded on first use, once per process."""
    return dictionary_frequency(word) > 0


def dictionary_frequency(word: str) -> int:
    """How often jieba's general dictionary counts ``word`` (0 when it does not list it)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word) or 0


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))
