"""posts."""
