"""Demo catalog and referrers (to be written by the catalog area)."""
from __future__ import annotations


def seed_catalog_and_referrers(rng, progress) -> str:
    return "catálogo sin cargar"
