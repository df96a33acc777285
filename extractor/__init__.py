"""ogi-extractor."""
