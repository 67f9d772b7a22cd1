"""Annotation tools: anchoring quote-based drafts to offsets, and agreement between reads."""
