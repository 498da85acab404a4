"""Ingest: read sources (files, directories, JSONL/CSV, HTML, stdin) into `SourceDocument` records.

The entry point is `frontwatch.ingest.readers.iter_sources`; it is not re-exported here so that
importing a light sibling module (cleaning, segmentation) does not pull in trafilatura.
"""
