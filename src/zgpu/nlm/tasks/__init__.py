"""Task heads over a sentence encoder: extractive summaries and IAB classification."""

from zgpu.nlm.tasks.errors import LabelEmbeddingsMismatch
from zgpu.nlm.tasks.iab_classify import IabClassifier, iab_label_texts
from zgpu.nlm.tasks.intent import IntentCategory, IntentPrototype
from zgpu.nlm.tasks.keywords import Keyphrase, extract_keyphrases
from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import cosine_to_score
from zgpu.nlm.tasks.sentences import split_sentences
from zgpu.nlm.tasks.summarize import summarize

__all__ = [
    "IabClassifier",
    "IntentCategory",
    "IntentPrototype",
    "Keyphrase",
    "LabelEmbeddingsMismatch",
    "TextEncoder",
    "cosine_to_score",
    "extract_keyphrases",
    "iab_label_texts",
    "split_sentences",
    "summarize",
    "to_plain_text",
]
