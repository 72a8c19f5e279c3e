"""Reproductions of published results: each a registered case run by ``cramsim validate``."""
