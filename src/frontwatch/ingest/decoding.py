"""Bytes to text: BOMs, binary detection, UTF-8 with a guarded legacy-encoding fallback."""

from __future__ import annotations

import codecs
import re

from frontwatch.errors import InputError

# Like git's heuristic: a NUL byte in the first 8 KB means binary.
BINARY_SAMPLE_BYTES = 8192
# Text with more than this share of C0 control bytes (other than whitespace and ESC) is not prose.
MAX_CONTROL_SHARE = 0.05
# Up to this share of U+FFFD after a lossy UTF-8 decode we keep the text: a few stray bytes
# in a long article do not make it unreadable, random binary does.
MAX_REPLACEMENT_SHARE = 0.01

# Mixed encodings (a UTF-8 article with a windows-1252 paste in it): UTF-8 throughout, the bytes
# that are not UTF-8 read as windows-1252, when the text holds at least this many well-formed
# UTF-8 characters and at most this share of bytes that are not UTF-8. A legacy-encoded file has
# (almost) no well-formed UTF-8 sequences; random bytes have far more bad ones.
MIN_MIXED_UTF8_CHARS = 5
MAX_MIXED_SHARE = 0.10
_CP1252_FALLBACK = "frontwatch-cp1252-fallback"

# A well-formed UTF-8 multi-byte character; latin-1 text almost never contains one by chance.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Below this many non-ASCII bytes, windows-1252 is taken when it scores within this much of the
# best guess (see detect_encoding; checked on short French, Spanish and German lines).
FEW_NON_ASCII_BYTES = 64
FEW_BYTES_CHAOS_MARGIN = 0.1
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Accented letters are at most this share of the letters of French, Spanish, German ... text.
MAX_WESTERN_ACCENTED_SHARE = 0.2
_WESTERN_PUNCTUATION = frozenset("\u00a0«»‘’‚“”„–—…•·°€£§©®™¡¿")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
# WHATWG: documents labelled latin-1 are decoded as windows-1252 by every browser.
_BROWSER_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    return None


def is_binary(sample: bytes, *, nul_means_binary: bool = True) -> bool:
    """True when the first bytes look like a binary file rather than text. Record-per-line files
    pass `nul_means_binary=False`: one stray NUL in a line must not cost the whole file (the line
    readers drop NULs), so there only the share of control bytes counts."""
    head = sample[:BINARY_SAMPLE_BYTES]
    if not head or bom_encoding(head) == "utf-16":
        return False
    if nul_means_binary and b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > MAX_CONTROL_SHARE


def replacement_share(text: str) -> float:
    """Share of U+FFFD characters in `text` (what a lossy decode left behind)."""
    return text.count("\ufffd") / len(text) if text else 0.0


def undecodable_reason(share: float, encoding: str = "UTF-8") -> str:
    """The Skipped reason for text that decoded too badly."""
    return f"not valid {encoding} text ({max(1, round(share * 100))}% undecodable bytes)"


def detect_encoding(data: bytes) -> str | None:
    """A legacy encoding charset_normalizer is confident about, or None."""
    try:
        import charset_normalizer
    except ImportError:  # optional: trafilatura brings it, but the reader must not need it
        return None
    matches = charset_normalizer.from_bytes(data[:200_000])
    best = matches.best()
    if best is None or best.chaos > 0.1:
        return None
    # Single-byte Latin encodings often tie (cp1250 vs cp1252 score the same on French text);
    # prefer windows-1252, by far the most common legacy encoding of Western news pages. With only
    # a few non-ASCII bytes the scores say little (a line with "déjà" came out as Mac Central
    # European): then windows-1252 wins unless it scores clearly worse.
    sample = data[:200_000]
    few = len(sample) - len(sample.translate(None, _HIGH_BYTES)) < FEW_NON_ASCII_BYTES
    margin = FEW_BYTES_CHAOS_MARGIN if few else 0.0
    for match in matches:
        if match.chaos <= best.chaos + margin and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return best.encoding


def declared_html_charset(data: bytes) -> str | None:
    """The charset a `<meta>` tag declares in the head of an HTML page, if Python knows it."""
    found = _META_CHARSET.search(data[:4096])
    if not found:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name.replace("-", "_")
    except LookupError:
        return None
    return _BROWSER_ALIASES.get(name, name)


def sniff_stream_encoding(sample: bytes, complete: bool) -> str:
    """Encoding for a line-by-line reader, decided from the first bytes of the stream."""
    bom = bom_encoding(sample)
    if bom:
        return bom
    try:
        # The sample may end inside a multi-byte character: only the final chunk must be whole.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _damaged_utf8(sample):
        return "utf-8"
    # Lossy UTF-8 when nothing is confident: each record is then checked on its own.
    return detect_encoding(sample) or ("cp1252" if looks_western_legacy(sample) else "utf-8")


def _damaged_utf8(data: bytes) -> bool:
    # UTF-8 with a few stray bytes (a truncated copy, one bad paste) stays UTF-8: a legacy
    # encoding would turn every correct "é" into mojibake ("Ã©") to save two bad bytes.
    if not _UTF8_MULTIBYTE.search(data):
        return False
    return replacement_share(data.decode("utf-8", errors="replace")) < MAX_REPLACEMENT_SHARE


def looks_western_legacy(data: bytes) -> bool:
    """True for text in windows-1252 that charset detection was unsure of (short texts): it decodes,
    its non-ASCII characters are letters or common punctuation, and they are a minority of its
    letters, as accents are in Western European languages (in Cyrillic or Greek legacy encodings
    nearly every letter is a high byte, in Central European ones some decode to symbols)."""
    try:
        text = data[:200_000].decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = accented = 0
    for char in text:
        if char.isascii():
            letters += char.isalpha()
        elif char.isalpha():
            letters += 1
            accented += 1
        elif char not in _WESTERN_PUNCTUATION:
            return False
    return accented > 0 and accented <= letters * MAX_WESTERN_ACCENTED_SHARE


def _cp1252_for_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start:error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_for_bad_bytes)


def _mixed_utf8(data: bytes) -> str | None:
    """`data` decoded as UTF-8 with its non-UTF-8 bytes read as windows-1252, when it looks like
    UTF-8 text with legacy-encoded parts (see MIN_MIXED_UTF8_CHARS); else None."""
    utf8_chars = 0
    for _ in _UTF8_MULTIBYTE.finditer(data):
        utf8_chars += 1
        if utf8_chars >= MIN_MIXED_UTF8_CHARS:
            break
    else:
        return None
    if replacement_share(data.decode("utf-8", errors="replace")) > MAX_MIXED_SHARE:
        return None
    return data.decode("utf-8", errors=_CP1252_FALLBACK)


def decode_document(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode one whole document, or raise InputError saying why it is not text."""
    if not data.strip():
        raise InputError(source, "empty")
    if is_binary(data):
        raise InputError(source, "binary file")
    bom = bom_encoding(data)
    if bom:
        return _lossy_decode(data, bom, source)
    try:
        return _check_empty(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    if _damaged_utf8(data):
        return _lossy_decode(data, "utf-8", source)
    mixed = _mixed_utf8(data)
    if mixed is not None:
        return _check_empty(mixed, source)
    for encoding in (declared, detect_encoding(data), "cp1252" if looks_western_legacy(data) else None):
        if encoding:
            try:
                return _check_empty(data.decode(encoding), source)
            except (UnicodeDecodeError, LookupError):
                continue
    return _lossy_decode(data, "utf-8", source)


def _lossy_decode(data: bytes, encoding: str, source: str) -> str:
    text = data.decode(encoding, errors="replace")
    share = replacement_share(text)
    if share >= MAX_REPLACEMENT_SHARE:
        raise InputError(source, undecodable_reason(share))
    return _check_empty(text, source)


def _check_empty(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "empty")
    return text
