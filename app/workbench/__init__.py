"""Verification Workbench: an offline workbench for verifying one social-media incident."""

__version__ = "0.1.0"
