"""What each paragraph of a page is: ``title``, ``body``, ``caption``, ``boilerplate`` or ``teaser``.

Scraped news pages carry language bars, share buttons, photo captions and lists of related headlines;
search shows only titles and body text by default, so these must be told apart.

>>> [kind_of(t) for t in ["Print", "(Photo: VNA)", "Leaders met in Hanoi. Photo: Xinhua/VNA", "2020/11/09"]]
['boilerplate', 'caption', 'caption', 'boilerplate']
"""

from __future__ import annotations

import difflib
import re
from typing import Optional, Sequence

from .layout import SALUTATION, ends_sentence

LANGUAGES = {
    "english", "español", "français", "русский", "عربي", "العربية", "中文", "简体中文", "繁體中文", "deutsch",
    "português", "日本語", "한국어", "tiếng", "việt", "italiano", "bahasa", "ไทย", "עברית", "türkçe",
}
INTERFACE = {
    "print", "suggest to a friend", "share", "tweet", "email", "e-mail", "facebook", "twitter", "linkedin",
    "whatsapp", "back to top", "top", "home", "close", "print page", "print this page", "font size", "comments",
    "related news", "related articles", "related", "read more", "more", "download", "bookmark", "subscribe",
    "previous", "next", "send", "zalo", "copy link", "a a a", "tags", "like", "source",
}
CAPTION = re.compile(r"(?:^\(?|[\s.(])(?:Photos?|Image|Illustrative (?:image|photo)|Source|Video|File photo)"
                     r"\s*:\s*[^()]{1,60}\)?\s*\.?\s*$|^\(?(?:Photos?|Illustrative (?:image|photo))\b", re.I)
DATE_ONLY = re.compile(r"(?:(?:Updated|Posted|Published|Date)\s*:?\s*)?(?:\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
                       r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
                       r"(?:[ ,-]+\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?(?: ?\(?GMT[+-]?\d*\)?)?)?")
_WORDS = re.compile(r"\S+")


def kind_of(text: str) -> str:
    """The kind a paragraph has on its own (``body`` unless it is page furniture or a caption)."""
    low = text.lower().strip(" .:|•·-–—")
    words = _WORDS.findall(text)
    if low in INTERFACE or (words and all(w.lower().strip(".,:|•") in INTERFACE for w in words)):
        return "boilerplate"
    if sum(1 for w in words if w.lower() in LANGUAGES) >= 3:
        return "boilerplate"
    if DATE_ONLY.fullmatch(text.strip()):
        return "boilerplate"
    if len(words) <= 60 and CAPTION.search(text):
        return "caption"
    if is_debris(words):
        return "boilerplate"
    return "body"


def is_debris(words: Sequence[str]) -> bool:
    """A scrap of interface text such as "3212 tyi xuyng 5": a few words, bare numbers, no sentence."""
    if not 1 < len(words) <= 5:
        return False
    letters = [w for w in words if w.isalpha()]
    return any(w.isdigit() for w in words) and bool(letters) and letters[0][0].islower()


def headline_like(text: str) -> bool:
    """A heading: a short line that is not a sentence, a salutation or a lead-in to what follows."""
    words = _WORDS.findall(text)
    if not 3 <= len(words) <= 25 or SALUTATION.match(text) or ends_sentence(text):
        return False
    return text.rstrip()[-1] not in ",;" and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘")


def classify(texts: Sequence[str], title: str = "") -> tuple[list[str], Optional[int]]:
    """The kind of every paragraph, and the index of the page's headline (None when it has none).

    ``title`` is a title known from elsewhere (JSONL metadata): the paragraph repeating it is the headline.
    """
    kinds = [kind_of(t) for t in texts]
    heads = [kinds[i] == "body" and headline_like(t) for i, t in enumerate(texts)]
    headline = find_headline(texts, kinds, heads, title)
    if headline is not None:
        kinds[headline] = "title"
    mark_teasers(texts, kinds, heads, headline)
    for i, text in enumerate(texts):
        if kinds[i] != "body" or not heads[i]:
            continue
        if headline is not None and same(text, texts[headline]):
            kinds[i] = "boilerplate"  # the headline repeated as page furniture
        elif i + 1 < len(texts) and kinds[i + 1] == "body" and not heads[i + 1]:
            kinds[i] = "title"  # a subheading over body text
    return kinds, headline


def find_headline(texts: Sequence[str], kinds: list[str], heads: list[bool], title: str) -> Optional[int]:
    for i, text in enumerate(texts):
        if title and same(text, title):
            return i
        if kinds[i] in ("boilerplate", "caption"):
            continue
        return None if title or not heads[i] else i  # the first real paragraph is a headline or not
    return None


def mark_teasers(texts: Sequence[str], kinds: list[str], heads: list[bool], headline: Optional[int]) -> None:
    """Related-article links: runs of headlines with no text between them, and duplicated headline pairs
    (a linked headline and its image's title) with the blurb under them."""
    n = len(texts)
    for i in range(n):
        if i == headline or kinds[i] != "body" or not heads[i]:
            continue
        pair = i + 1 < n and heads[i + 1] and same(texts[i], texts[i + 1])
        run = (i + 1 < n and heads[i + 1] and kinds[i + 1] == "body" and i + 1 != headline) or (
            i > 0 and heads[i - 1] and kinds[i - 1] == "teaser")
        if pair:
            kinds[i] = kinds[i + 1] = "teaser"
            blurb = i + 2
            if blurb < n and kinds[blurb] == "body" and not heads[blurb] and len(_WORDS.findall(texts[blurb])) <= 60:
                kinds[blurb] = "teaser"
        elif run:
            kinds[i] = "teaser"


def same(a: str, b: str) -> bool:
    """Near-identical headlines ("Viet Nam" / "Vietnam", curly / straight quotes)."""
    fa, fb = _fold(a), _fold(b)
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.9


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())
