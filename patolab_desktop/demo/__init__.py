"""Synthetic, deterministic Honduran data for the demo database and the benchmark."""
