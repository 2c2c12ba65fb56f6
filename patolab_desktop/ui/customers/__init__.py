"""customers screens."""
