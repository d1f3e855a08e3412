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

from searchkit.ingest.layout import SALUTATION, ends_sentence

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
DATE_ONLY = re.compile(r"(?:(?:Updated|Posted|Published|Dated|Date)\s*:?\s*)?(?:\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
                       r"|\d{1,2}[/.]\d{1,2}[/.]\d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})"
                       r"(?:[ ,-]+\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?(?: ?\(?GMT[+-]?\d*\)?)?)?")
SUBHEADING_WORDS = 15
FUNCTION_WORDS = {
    "a", "an", "the", "of", "and", "or", "but", "to", "in", "on", "at", "by", "for", "with", "from", "as", "that",
    "which", "who", "is", "are", "was", "were", "be", "will", "would", "shall", "should", "can", "could", "may",
    "must", "has", "have", "had", "its", "their", "our", "his", "her", "this", "these", "those", "not", "into",
}


def kind_of(text: str) -> str:
    """The kind a paragraph has on its own (``body`` unless it is page furniture or a caption)."""
    words = text.split()  # what re.findall(r"\S+") gives, several times faster: runs for every paragraph
    if len(words) > 60:
        return "body"  # no caption, button or date line runs this long
    low = text.lower().strip(" .:|•·-–—")
    if low in INTERFACE or (words and all(w.lower().strip(".,:|•") in INTERFACE for w in words)):
        return "boilerplate"
    if sum(1 for w in words if w.lower() in LANGUAGES) >= 3:
        return "boilerplate"
    if len(words) <= 12:
        rest = DATE_ONLY.sub(" ", text)
        if rest != text and sum(1 for w in rest.split() if w.isalpha()) <= 1:
            return "boilerplate"  # a date line ("2020/11/09", "January 21, 1946. Dated January 14, 1946")
    if CAPTION.search(text):
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
    """A heading: a short line that is not a sentence, a salutation, a lead-in or a sentence cut short."""
    words = text.split()
    if not 3 <= len(words) <= 25 or SALUTATION.match(text) or ends_sentence(text):
        return False
    if words[-1].lower().strip("\"'”’") in FUNCTION_WORDS:  # "... a manifestation of the"
        return False
    return text.rstrip()[-1] not in ",;" and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“‘")


def caps_heading(text: str) -> bool:
    """An ALL CAPS or numbered section heading ("II. THE FEDERAL PROGRAM"), never a teaser."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and not ends_sentence(text)


def section_heading(text: str) -> bool:
    """A heading that looks like one in any layout: ALL CAPS, numbered ("II. THE FEDERAL PROGRAM") or
    short and in Title Case ("The Price of Peace")."""
    words = text.split()
    if not words or len(words) > 14 or ends_sentence(text):
        return False
    if caps_heading(text):
        return True
    content = [w for w in words if w[:1].isalpha() and w.lower() not in FUNCTION_WORDS]
    return bool(content) and sum(w[0].isupper() for w in content) >= 0.8 * len(content) and len(words) <= 10


def classify(texts: Sequence[str], title: str = "", page: bool = True) -> tuple[list[str], Optional[int]]:
    """The kind of every paragraph, and the index of the page's headline (None when it has none).

    ``title`` is a title known from elsewhere (JSONL metadata): the paragraph repeating it is the headline.
    ``page`` says the document is laid out in blank-line blocks, as scraped pages are; in speeches (one
    paragraph per line, hard-wrapped text) a line that is not a sentence is more often a cut than a
    heading, so only unmistakable section headings count there, and there are no teasers.
    """
    kinds = [kind_of(t) for t in texts]
    heads = [kinds[i] == "body" and headline_like(t) for i, t in enumerate(texts)]
    headline = find_headline(texts, kinds, heads, title)
    if headline is not None:
        kinds[headline] = "title"
    if page:
        mark_teasers(texts, kinds, heads, headline)
    for i, text in enumerate(texts):
        if kinds[i] != "body" or not heads[i]:
            continue
        if headline is not None and same(text, texts[headline]):
            kinds[i] = "boilerplate"  # the headline repeated as page furniture
        elif section_heading(text) or page and len(text.split()) <= SUBHEADING_WORDS and i + 1 < len(
                texts) and kinds[i + 1] == "body" and not heads[i + 1]:
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
        if i == headline or kinds[i] != "body" or not heads[i] or caps_heading(texts[i]):
            continue
        pair = i + 1 < n and heads[i + 1] and same(texts[i], texts[i + 1])
        run = (i + 1 < n and heads[i + 1] and kinds[i + 1] == "body" and i + 1 != headline) or (
            i > 0 and heads[i - 1] and kinds[i - 1] == "teaser")
        if pair:
            kinds[i] = kinds[i + 1] = "teaser"
            blurb = i + 2
            if blurb < n and kinds[blurb] == "body" and not heads[blurb] and len(texts[blurb].split()) <= 60:
                kinds[blurb] = "teaser"
        elif run:
            kinds[i] = "teaser"


def same(a: str, b: str) -> bool:
    """Near-identical headlines ("Viet Nam" / "Vietnam", curly / straight quotes)."""
    fa, fb = _fold(a), _fold(b)
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.9


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())
