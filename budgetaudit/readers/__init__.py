"""Readers turn a file into numbered lines; one module per file format."""
