"""catalog screens."""
