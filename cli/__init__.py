"""The ``rulepath`` command line: one click group, small commands."""
