"""Reusable test infrastructure (real servers, not mocks) shared by every test suite."""
