"""Media: reading metadata (probe), pixel products (thumbnails, perceptual hashes), forensic filters, video."""
