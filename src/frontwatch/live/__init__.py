"""Live sources: fetching feeds and article pages over HTTP (`fetch`), reading feeds
(`feeds`), turning URLs into documents with state kept in the database (`sources`, `state`),
and polling feeds on a schedule (`watch`). See docs/live.md."""
