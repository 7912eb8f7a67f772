"""Sandbox controls: faults, clock, tokens, consent, connections, rate limits, journal."""
