"""Qt only. Widgets call services; they never build queries."""
