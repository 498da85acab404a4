"""Take the README's screenshot of the map page (docs/screenshot-map.png) on the demo data.

    python scripts/screenshot_map.py [OUT.png]

Ingests examples/ into a temporary SQLite database, serves the app with uvicorn on a free
loopback port (in a thread), and photographs the map with Debian's headless Chromium through
Playwright, the same set-up as tests/test_web_browser.py.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main(out: Path) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from frontwatch.ingest.readers import iter_sources
    from frontwatch.kb.index import load
    from frontwatch.store import open_database
    from frontwatch.store.ingest import IngestSummary, ingest
    from frontwatch.web import create_app

    kb = load()
    with tempfile.TemporaryDirectory() as directory, open_database(f"{directory}/demo.db") as database:
        ingest(iter_sources([str(ROOT / "examples")]), kb, database, IngestSummary())
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(database, kb), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#map[data-ready='true']")
            page.wait_for_timeout(500)  # outlines drawn
            page.screenshot(path=str(out))
            browser.close()
        server.should_exit = True
        thread.join()
    print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot-map.png")
