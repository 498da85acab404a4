"""Reports built from the fused picture: the sourced briefing."""
