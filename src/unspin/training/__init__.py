"""Training (needs the ``train`` extra: torch, transformers): ``unspin train``."""
