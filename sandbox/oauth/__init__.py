"""The authorization server: authorize + hosted pages, token endpoint, bearer check."""
