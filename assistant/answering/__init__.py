"""Answering financing questions from a knowledge base, with citations."""
