"""Frontwatch: sourced, geocoded situation pictures from conflict news articles."""

__version__ = "0.1.0"
