"""Fitting input into a model's context window: count once, then reject or truncate.

The gateway uses it to answer 420 before anything is dispatched, the worker to cut the text it
actually runs; both count with the same tokenizer, so usage is what was processed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Encoding, Tokenizer

from zgpu.nlm.errors import ContextLengthExceeded
from zgpu.nlm.registry import ModelSpec, OverLength


@dataclass(frozen=True)
class FittedInput:
    """The text a model will process, its token count, and whether it was cut."""

    text: str
    tokens: int
    truncated: bool


class ContextWindow:
    """Counts word-piece tokens (no special tokens) and applies a model's over-length policy."""

    def __init__(
        self, tokenizer: Tokenizer, encode: Callable[[str], Encoding] | None = None
    ) -> None:
        """Count with ``tokenizer``, or through ``encode`` when given.

        ``encode`` must tokenize as ``tokenizer`` does without special tokens; the runtime
        passes its static stage's cached tokenization, so a request's text is tokenized once
        for the window and the stage.
        """
        self._tokenizer = tokenizer
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._encode = encode or self._encode_plain

    def _encode_plain(self, text: str) -> Encoding:
        return self._tokenizer.encode(text, add_special_tokens=False)

    @classmethod
    def from_file(cls, tokenizer_path: Path) -> ContextWindow:
        """Load the tokenizer from a ``tokenizer.json``."""
        return cls(Tokenizer.from_file(str(tokenizer_path)))

    def count(self, text: str) -> int:
        """Number of word-piece tokens in ``text``."""
        return len(self._encode(text).ids)

    def fit(self, spec: ModelSpec, text: str) -> FittedInput:
        """Fit ``text`` into ``spec``'s window.

        Raises ``ContextLengthExceeded`` when the text is too long and the model rejects
        over-length input; otherwise cuts at the last token boundary inside the window.
        """
        encoding = self._encode(text)
        tokens = len(encoding.ids)
        if tokens <= spec.context_window:
            return FittedInput(text=text, tokens=tokens, truncated=False)
        if spec.over_length is OverLength.REJECT:
            raise ContextLengthExceeded(
                f"The input has {tokens} tokens; the model '{spec.id}' accepts at most "
                f"{spec.context_window}. Shorten the input or split it into parts.",
                param="input",
            )
        end = encoding.offsets[spec.context_window - 1][1]
        return FittedInput(text=text[:end], tokens=spec.context_window, truncated=True)
