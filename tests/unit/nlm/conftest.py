"""Shared fixtures for the model tests: one built encoder per test session.

The encoder is built into ``$ZGPU_TEST_ARTIFACTS`` when set (CI points every test
process at one directory, so the build happens once), else into a temporary directory
shared by the pytest-xdist workers of this run. The artifact store's file lock makes
concurrent builds safe: one worker builds, the others wait and reuse it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zgpu.nlm.artifacts import ArtifactStore
from zgpu.nlm.build import EncoderArtifact, build_encoder
from zgpu.nlm.encoder import Encoder

EVAL_TEXTS: tuple[str, ...] = (
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A monkey is playing drums.",
    "Stocks rallied after the inflation report came in below expectations.",
    "The government announced new sanctions against the regime on Friday.",
    "How much does it cost to ship a parcel to Canada?",
    "My laptop battery drains very quickly after the latest update.",
    "Preheat the oven to 200 degrees and roast the vegetables for 25 minutes.",
    "The team lost the final on penalties after a goalless draw.",
    "Scientists discovered a new species of frog in the Amazon rainforest.",
    "I would like to cancel my subscription and get a refund.",
    "The hotel room was clean, but the staff were rude and unhelpful.",
    "Electric cars are becoming cheaper as battery prices fall.",
    "Remote work has changed how companies think about office space.",
    "The senator resigned amid allegations of campaign finance violations.",
    "Yoga and meditation can help reduce stress and anxiety.",
    "What are the symptoms of vitamin D deficiency?",
    "The band released its first album in a decade to rave reviews.",
    "Mars rover finds evidence of ancient lake beds.",
    "Our flight was delayed by six hours because of a storm.",
    "Learn Spanish in 30 days with this simple daily routine.",
    "The company recalled 50,000 vehicles over a faulty airbag sensor.",
    "Housing prices in the capital have doubled over the past ten years.",
    "Kids love this easy chocolate chip cookie recipe.",
    "The court ruled that the merger would harm competition.",
    "A new study links ultra-processed food to higher risk of depression.",
    "Fans queued overnight for tickets to the reunion tour.",
    "The software update fixes a security flaw that let attackers read messages.",
    "Winter storms left thousands without power across the Midwest.",
    "This moisturizer is great for dry and sensitive skin.",
    "The orchestra performed Beethoven's Ninth Symphony to a sold-out hall.",
    "Cryptocurrency exchanges face tighter rules under the new law.",
    "The best time to visit Japan is during cherry blossom season.",
    "Unemployment fell to its lowest level in fifty years.",
    "He fixed the leaking tap with a wrench and some plumber's tape.",
    "Teachers went on strike demanding higher pay and smaller classes.",
    "ok",
    "lol that's hilarious 😂",
    "Refund not received after 14 days, order #48213.",
    "SELECT name FROM users WHERE id = 42;",
    "The mitochondria is the powerhouse of the cell.",
    (
        "The local library is launching a summer reading challenge for children aged five to "
        "twelve. Participants who read eight books over the holidays will receive a medal and a "
        "certificate, and every finisher is entered into a prize draw for a family day out at "
        "the science museum. Sign-up opens next Monday at all branches and online."
    ),
    (
        "Global shipping rates jumped again this month as container ships were diverted around "
        "the Cape of Good Hope to avoid attacks in the Red Sea, adding up to two weeks to voyages "
        "between Asia and Europe. Retailers warned that the delays could lead to shortages of some "
        "goods and higher prices for consumers, while insurers raised premiums for vessels "
        "operating in the region. Industry groups called on governments to coordinate naval "
        "escorts and to share intelligence with shipping companies."
    ),
    (
        "If you are experiencing problems connecting to the wireless network, first restart your "
        "router by unplugging it for thirty seconds. Then check that airplane mode is off and "
        "that the correct network name is selected. If the problem persists, forget the network "
        "on your device, reconnect and enter the password again. Contact support if none of "
        "these steps work, and have your account number ready."
    ),
    "Is it safe to take ibuprofen with coffee?",
    "The quarterly earnings call is scheduled for Thursday at 4 pm Eastern.",
)
"""Fifty varied English texts (short, long, informal, code) for accuracy and determinism."""


@pytest.fixture(scope="session")
def artifact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's encoder is built (see the module docstring)."""
    configured = os.environ.get("ZGPU_TEST_ARTIFACTS")
    if configured:
        return Path(configured)
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by all xdist workers of this run
    return base / "zgpu-test-artifacts"


@pytest.fixture(scope="session")
def artifact_store(artifact_dir: Path) -> ArtifactStore:
    """The session's artifact store."""
    return ArtifactStore(artifact_dir)


@pytest.fixture(scope="session")
def encoder_artifact(artifact_store: ArtifactStore) -> EncoderArtifact:
    """The int8 MiniLM encoder, built once per session (or found in the store)."""
    return build_encoder(artifact_store)


@pytest.fixture(scope="session")
def encoder(encoder_artifact: EncoderArtifact) -> Encoder:
    """The encoder on one intra-op thread."""
    return Encoder.load(encoder_artifact, threads=1)


@pytest.fixture(scope="session")
def eval_texts() -> tuple[str, ...]:
    """The evaluation texts."""
    return EVAL_TEXTS
