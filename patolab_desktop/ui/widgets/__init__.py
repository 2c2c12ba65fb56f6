"""Reusable widgets shared by the windows."""
