"""The SME financing assistant: dialogue, answers, leads, complaints, store and settings."""

__version__ = "0.1.0"
