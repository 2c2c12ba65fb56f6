"""referrers screens."""
