"""Reference data of the lab: investigations and panels with their prices, branches,
referrers (doctors, institutions) and referrer types."""
