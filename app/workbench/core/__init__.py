"""The workbench core: everything that works without Qt (incident file, media, sun, geo, posts, report)."""
