"""The incident file: one SQLite file with the evidence bytes, their metadata, the analysis and the audit log."""
