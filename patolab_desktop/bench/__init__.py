"""The benchmark behind ``make bench``: measures the targets of PRODUCT.md on a big
synthetic database, beside the naive approaches, and writes JSON."""
