"""Hostile articles for the stored-XSS tests: every field a page or an output may show
carries markup that would run script, each payload setting `window.__xss` (and calling
alert) if a page ever treats it as HTML."""

from __future__ import annotations

from frontwatch.records import SourceDocument

# Each payload names itself in the flag, so a failure says which one got through.
PAYLOADS = [
    "<script>window.__xss='script';alert('script')</script>",
    "<img src=x onerror=\"window.__xss='img';alert('img')\">",
    "<svg onload=\"window.__xss='svg'\"><circle r=9></svg>",
    "</textarea><script>window.__xss='textarea'</script>",
    "\"><script>window.__xss='attribute'</script>",
    "'><img src=x onerror=window.__xss='quote'>",
    "<a href=\"javascript:window.__xss='link'\">read more</a>",
    "</title><script>window.__xss='title'</script>",
    "<iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
    "<body onpageshow=\"window.__xss='body'\">",
    "<details open ontoggle=\"window.__xss='details'\">",
    "</q></mark></p><script>window.__xss='mark'</script>",
]
JS_URL = "javascript:window.__xss='url';alert('url')"


def _text(first: str, second: str) -> str:
    p = PAYLOADS
    return (
        f"Syrian Democratic Forces captured Raqqa on 17 October 2017 {p[0]} after weeks of fighting. "
        f"Hayat Tahrir al-Sham fighters attacked Aleppo {p[1]} with drones on 20 October 2017.\n\n"
        f"Russian aircraft struck Idlib {p[2]} on 21 October 2017, killing 12 civilians.\n\n"
        f"\"We will take back every village {p[3]}\", said Ahmed al-Sharaa {p[4]} on Sunday.\n\n"
        f"Turkish-backed rebels shelled Afrin {p[5]} {first} on 22 October 2017.\n\n"
        f"Government forces {p[6]} besieged Deir ez-Zor {second} {p[7]} on 23 October 2017. "
        f"Syrian army forces shelled Homs {p[8]} {p[9]} on 24 October 2017 {p[10]} {p[11]}."
    )


HOSTILE_SOURCES = [
    SourceDocument(text=_text("", ""), title=f"Raqqa falls {PAYLOADS[7]} {PAYLOADS[0]}",
                   outlet=f"Evil {PAYLOADS[1]} Times", url=JS_URL, published="2017-10-25",
                   source=f"upload:{PAYLOADS[2]}.txt"),
    # the other side's account of Raqqa, for a contradiction between two hostile documents
    SourceDocument(text=("Syrian government forces captured Raqqa on 17 October 2017 "
                         f"{PAYLOADS[3]} {PAYLOADS[0]}, state media said {PAYLOADS[1]}.\n\n"
                         f"Syrian army forces shelled Homs {PAYLOADS[6]} on 24 October 2017."),
                   title=f"{PAYLOADS[4]} state media", outlet=f"{PAYLOADS[3]}", url=f"{JS_URL}//second",
                   published="2017-10-26", source="upload:second.jsonl"),
]
