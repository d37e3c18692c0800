"""Model packages served by asyncinfer: one sub-package per model (see docs/models.md)."""
