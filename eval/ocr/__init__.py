"""Synthetic documents with ground truth, and the OCR evaluation runner."""
