"""Table recognition: from numbered lines to a Document with titled, typed tables."""

from .recognize import recognize

__all__ = ["recognize"]
