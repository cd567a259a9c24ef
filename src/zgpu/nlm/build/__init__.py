"""Building model artifacts from shipped weights: BERT to ONNX, int8 quantization."""

from zgpu.nlm.build.pipeline import BUILDER_VERSION, EncoderArtifact, Progress, build_encoder
from zgpu.nlm.build.quantize import QuantSettings
from zgpu.nlm.build.source import ModelSource

__all__ = [
    "BUILDER_VERSION",
    "EncoderArtifact",
    "ModelSource",
    "Progress",
    "QuantSettings",
    "build_encoder",
]
