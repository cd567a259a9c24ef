"""Nano Language Models: the catalogue, artifacts, runtime and tasks. Imports nothing of ours."""
