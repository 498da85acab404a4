"""The HTTP client of live sources against a real local server (tests/feeds_support.py):
timeouts, retries, redirects, size cap, robots.txt, conditional GET, User-Agent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feeds_support import LocalWeb, Reply
from frontwatch import __version__
from frontwatch.errors import FetchError, RobotsDisallowed
from frontwatch.live.fetch import Fetcher, FetchSettings, Validators, retry_after


@pytest.fixture()
def waits() -> list[float]:
    return []


@pytest.fixture()
def fetcher(waits: list[float]) -> Iterator[Fetcher]:
    settings = FetchSettings(timeout=0.5, max_bytes=100_000, retries=2, contact="https://example.org/contact")
    with Fetcher(settings, sleep=waits.append) as client:
        yield client


def test_a_page_comes_back_with_its_type_and_validators(web: LocalWeb, fetcher: Fetcher) -> None:
    url = web.add("/a.html", Reply(body=b"<p>hello</p>", etag='"v1"', last_modified="Sun, 08 Dec 2024 06:00:00 GMT"))
    fetched = fetcher.fetch(url)
    assert (fetched.status, fetched.content, fetched.final_url) == (200, b"<p>hello</p>", url)
    assert fetched.content_type.startswith("text/html")
    assert fetched.validators == Validators('"v1"', "Sun, 08 Dec 2024 06:00:00 GMT")
    agent = web.hits("/a.html")[0].headers["user-agent"]
    assert agent == f"Frontwatch/{__version__} (news monitoring; +https://example.org/contact)"


def test_conditional_get_gives_304_and_no_body(web: LocalWeb, fetcher: Fetcher) -> None:
    url = web.add("/feed.xml", Reply(body=b"<rss/>", etag='"abc"'))
    first = fetcher.fetch(url)
    second = fetcher.fetch(url, first.validators)
    assert second.not_modified and second.content == b""
    assert web.hits("/feed.xml")[1].headers["if-none-match"] == '"abc"'
    stale = fetcher.fetch(url, Validators('"old"'))
    assert stale.status == 200 and stale.content == b"<rss/>"


def test_last_modified_alone_also_makes_the_get_conditional(web: LocalWeb, fetcher: Fetcher) -> None:
    stamp = "Sun, 08 Dec 2024 06:00:00 GMT"
    url = web.add("/lm", Reply(body=b"x", last_modified=stamp))
    assert fetcher.fetch(url, Validators(last_modified=stamp)).not_modified


def test_a_slow_server_times_out_with_a_clear_reason(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    url = web.add("/slow", Reply(body=b"late", delay=2.0))
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert caught.value.source == url and "timed out" in caught.value.problem
    assert waits == []  # a slow server is not asked again and again


def test_a_trickling_body_stops_at_the_whole_response_deadline(web: LocalWeb) -> None:
    url = web.add("/trickle", Reply(body=b"x" * 64 * 40, trickle=0.05))
    with Fetcher(FetchSettings(timeout=0.3, retries=0), sleep=lambda _s: None) as client, \
            pytest.raises(FetchError, match="too slow"):
        client.fetch(url)


def test_5xx_is_retried_with_exponential_backoff(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    url = web.add("/flaky", Reply(500, b"oops"), Reply(503, b"busy"), Reply(body=b"fine"))
    assert fetcher.fetch(url).content == b"fine"
    assert waits == [1.0, 2.0]
    assert len(web.hits("/flaky")) == 3


def test_retries_are_bounded(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    url = web.add("/down", Reply(502, b"bad gateway"))
    with pytest.raises(FetchError, match=r"HTTP 502 Bad Gateway \(gave up after 3 attempts\)") as caught:
        fetcher.fetch(url)
    assert caught.value.status == 502
    assert len(web.hits("/down")) == 3 and len(waits) == 2


def test_429_waits_what_retry_after_asks_within_a_bound(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    url = web.add("/limited", Reply(429, headers={"Retry-After": "7"}), Reply(body=b"ok"))
    assert fetcher.fetch(url).content == b"ok"
    assert waits == [7.0]
    greedy = web.add("/greedy", Reply(429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="retry after 3600 s, longer than the 120 s we wait"):
        fetcher.fetch(greedy)
    assert waits == [7.0]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("12") == 12.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") is None and retry_after(None) is None


def test_a_connection_reset_is_retried(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    url = web.add("/reset", Reply(reset=True), Reply(body=b"back"))
    assert fetcher.fetch(url).content == b"back"
    assert waits == [1.0]


def test_a_server_that_keeps_resetting_fails_naming_the_problem(web: LocalWeb, fetcher: Fetcher) -> None:
    url = web.add("/gone", Reply(reset=True))
    with pytest.raises(FetchError, match=r"connection broken.*gave up after 3 attempts"):
        fetcher.fetch(url)


def test_nobody_listening_is_a_connection_error(fetcher: Fetcher, waits: list[float]) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert waits == [1.0, 2.0]


def test_redirects_are_followed_and_the_final_url_kept(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/old", Reply(301, headers={"Location": "/middle"}))
    web.add("/middle", Reply(302, headers={"Location": web.url("/new")}))
    target = web.add("/new", Reply(body=b"moved here"))
    fetched = fetcher.fetch(web.url("/old"))
    assert fetched.content == b"moved here"
    assert (fetched.url, fetched.final_url) == (web.url("/old"), target)


def test_a_redirect_loop_is_reported_with_its_chain(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/ping", Reply(302, headers={"Location": "/pong"}))
    web.add("/pong", Reply(302, headers={"Location": "/ping"}))
    with pytest.raises(FetchError, match=r"redirect loop: .*/ping -> .*/pong -> .*/ping"):
        fetcher.fetch(web.url("/ping"))


def test_a_redirect_out_of_the_web_is_refused(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/sneaky", Reply(302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match=r"redirected to a non-web URL: .*/sneaky -> file:///etc/passwd"):
        fetcher.fetch(web.url("/sneaky"))


def test_redirects_are_bounded(web: LocalWeb, fetcher: Fetcher) -> None:
    for hop in range(10):
        web.add(f"/hop{hop}", Reply(302, headers={"Location": f"/hop{hop + 1}"}))
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetcher.fetch(web.url("/hop0"))
    assert len(web.hits("/hop6")) == 0


def test_an_oversized_response_is_refused_by_its_declared_length(web: LocalWeb, fetcher: Fetcher) -> None:
    url = web.add("/big", Reply(body=b"x" * 300_000))
    with pytest.raises(FetchError, match=r"too large: 0.3 MB declared, the limit is 0.1 MB"):
        fetcher.fetch(url)


def test_an_oversized_stream_stops_at_the_cap(web: LocalWeb, fetcher: Fetcher) -> None:
    url = web.add("/stream", Reply(body=b"y" * 2_000_000, length=False))
    with pytest.raises(FetchError, match=r"too large: stopped reading at 0.1 MB, the limit is 0.1 MB"):
        fetcher.fetch(url)


def test_a_compressed_body_is_capped_by_its_decompressed_size(web: LocalWeb, fetcher: Fetcher) -> None:
    import gzip

    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 100_000
    url = web.add("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="too large: stopped reading at"):
        fetcher.fetch(url)


def test_robots_txt_disallow_skips_the_url_and_is_read_once_per_host(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: Frontwatch\nDisallow: /private/\n\nUser-agent: *\nAllow: /\n",
                                 content_type="text/plain"))
    open_url = web.add("/public/a.html", Reply(body=b"fine"))
    closed_url = web.add("/private/b.html", Reply(body=b"secret"))
    assert fetcher.fetch(open_url).content == b"fine"
    with pytest.raises(RobotsDisallowed, match=r"disallowed by http://127.0.0.1:\d+/robots.txt for Frontwatch"):
        fetcher.fetch(closed_url)
    assert web.hits("/private/b.html") == []
    assert len(web.hits("/robots.txt")) == 1


def test_a_crawl_delay_spaces_requests_to_the_site(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 3\n", content_type="text/plain"))
    first, second = web.add("/1", Reply(body=b"1")), web.add("/2", Reply(body=b"2"))
    fetcher.fetch(first)
    fetcher.fetch(second)
    assert len(waits) == 2 and all(2.0 < wait <= 3.0 for wait in waits)  # after robots.txt, after /1


def test_robots_rules_for_other_crawlers_do_not_apply(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: OtherBot\nDisallow: /\n", content_type="text/plain"))
    assert fetcher.fetch(web.add("/page", Reply(body=b"ok"))).content == b"ok"


def test_a_redirect_into_a_disallowed_path_is_stopped(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    web.add("/out", Reply(302, headers={"Location": "/private/x"}))
    web.add("/private/x", Reply(body=b"secret"))
    with pytest.raises(RobotsDisallowed):
        fetcher.fetch(web.url("/out"))
    assert web.hits("/private/x") == []


def test_an_unreachable_robots_txt_disallows_the_site(web: LocalWeb, fetcher: Fetcher) -> None:
    web.add("/robots.txt", Reply(503, b"down"))
    url = web.add("/page", Reply(body=b"ok"))
    with pytest.raises(RobotsDisallowed, match="robots.txt is unavailable"):
        fetcher.fetch(url)
    assert web.hits("/page") == []


def test_robots_can_be_turned_off(web: LocalWeb) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain"))
    url = web.add("/page", Reply(body=b"ok"))
    with Fetcher(FetchSettings(respect_robots=False)) as client:
        assert client.fetch(url).content == b"ok"
    assert web.hits("/robots.txt") == []


def test_other_schemes_are_refused() -> None:
    with Fetcher(FetchSettings()) as client, pytest.raises(FetchError, match="not a web URL"):
        client.fetch("file:///etc/passwd")


def test_http_errors_name_the_status(web: LocalWeb, fetcher: Fetcher, waits: list[float]) -> None:
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as caught:
        fetcher.fetch(web.url("/missing"))
    assert caught.value.status == 404 and waits == []
