"""requests screens."""
