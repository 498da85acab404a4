"""Exports of the fused picture (JSONL, ACLED-style CSV, GeoJSON, PLOVER)."""
