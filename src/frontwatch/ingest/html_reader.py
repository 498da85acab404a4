"""HTML pages: main text with trafilatura, metadata from the page, the <body> text as a fallback."""

from __future__ import annotations

import re
from typing import Any

import trafilatura

from frontwatch.errors import InputError
from frontwatch.ingest.metadata import (
    find_published_date,
    make_doc_id,
    normalise_date,
    normalise_language,
)
from frontwatch.records import SourceDocument

NO_TEXT = "no article text found in HTML"

# Elements whose text is never article prose, dropped before the <body> fallback.
_NON_TEXT_TAGS = ("script", "style", "noscript", "template", "svg")
# Block elements get line breaks around them so that paragraphs do not glue ("territoryThe").
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "header", "footer", "aside", "nav", "main",
    "blockquote", "pre", "figure", "figcaption", "form", "hr", "address",
)
_SPACES = re.compile(r"[^\S\n]+")
# Characters XML (hence lxml) cannot hold in a text node.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# libxml2's nesting limit with XML_PARSE_HUGE (lxml's huge_tree); 256 without it.
_HUGE_DEPTH = 2048


def read_html(html: str, source: str) -> SourceDocument:
    """One SourceDocument from an HTML page, or InputError when it holds no text."""
    tree = trafilatura.load_html(html)
    if tree is None:
        raise InputError(source, NO_TEXT)
    for element in list(tree.iter("template", "noscript")):
        # Markup a browser running scripts never shows ("enable JavaScript" notices, inert templates);
        # trafilatura may keep its text. (Scripts stay until extraction: trafilatura reads the page's
        # JSON-LD metadata from them and drops them itself.)
        element.drop_tree()
    try:
        # include_comments=False: reader comments are not the article. bare_extraction copies
        # the tree it is given, so `tree` stays intact for the fallback below.
        extracted = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
    except Exception as error:  # noqa: BLE001 - a third-party parser must not end the batch
        raise InputError(source, f"HTML extraction failed: {error}") from error
    text = (_attribute(extracted, "text") or "").strip()
    if extracted is None:
        extracted = _metadata_only(tree)
    title = _clean(_attribute(extracted, "title"))
    if not text:
        text = body_text(tree)
    if not text:
        text = _deep_body_text(html, source)
    text = _drop_title_line(text, title)
    published = normalise_date(_attribute(extracted, "date") or "") or find_published_date(text)
    return SourceDocument(
        text=text,
        doc_id=make_doc_id(text),
        title=title,
        outlet=_clean(_attribute(extracted, "sitename")),
        url=_clean(_attribute(extracted, "url")),
        published=published,
        language=normalise_language(tree.get("lang") or tree.get("xml:lang")),
        source=source,
    )


def body_text(tree: Any) -> str:
    """Visible text of the <body>, one line per block, for pages trafilatura finds no article in."""
    body = tree.find(".//body")
    if body is None:
        body = tree
    for element in list(body.iter(*_NON_TEXT_TAGS)):
        element.drop_tree()
    for element in body.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    text = _SPACES.sub(" ", body.text_content())
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _deep_body_text(html: str, source: str) -> str:
    """The <body> text of a page nested deeper than libxml2's default limit (256 levels), which
    cuts the rest of the page off; or InputError, saying so when even the raised limit is hit."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)
    try:
        # lxml keeps control characters from a string in the tree but refuses them when text is set
        # (body_text does), as trafilatura's loader does not: drop them first.
        tree = lxml.html.document_fromstring(_NOT_XML.sub("", html), parser=parser)
    except Exception:  # noqa: BLE001 - lxml raises ParserError (or ValueError) on an empty document
        tree = None
    text = body_text(tree) if tree is not None else ""
    if text:
        return text
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise InputError(source, NO_TEXT, "its elements nest deeper than the HTML parser's limit of "
                         f"{_HUGE_DEPTH} levels; the text inside them cannot be read")
    raise InputError(source, NO_TEXT)


def _metadata_only(tree: Any) -> Any:
    # trafilatura returns nothing at all when it finds no main text; keep the metadata anyway.
    try:
        return trafilatura.extract_metadata(tree)
    except Exception:  # noqa: BLE001 - metadata is optional
        return None


def _attribute(extracted: Any, name: str) -> str | None:
    value = getattr(extracted, name, None) if extracted is not None else None
    return value if isinstance(value, str) else None


def _clean(value: str | None) -> str | None:
    value = value.strip() if value else None
    return value or None


def _drop_title_line(text: str, title: str | None) -> str:
    # trafilatura keeps the <h1> as the first line; the title is its own field, as for .txt files.
    if not title:
        return text
    first, newline, rest = text.partition("\n")
    if newline and rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.strip()
    return text

