"""highlight."""
