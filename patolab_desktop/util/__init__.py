"""Small pure helpers shared by every layer (no Qt, no database)."""
