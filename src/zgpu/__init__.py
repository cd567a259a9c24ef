"""ZeroGPU: Nano Language Models behind one HTTP endpoint, on CPUs and edge devices."""

__version__ = "0.1.0"
__all__ = ["__version__"]
