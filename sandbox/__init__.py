"""Offline sandbox of the Consolidate Health Connect API."""

__version__ = "0.1.0"
