"""Files rendered from a plan's view-model: the Part 1 PDF (`pdf`)."""
