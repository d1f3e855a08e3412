"""searchkit: full-text search over policy statements, with exact-quote lookup for citations."""

__version__ = "0.1.0"
