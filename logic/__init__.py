"""Rule packs: plain clingo programs shipped as package data."""
