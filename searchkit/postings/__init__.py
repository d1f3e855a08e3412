"""postings."""
