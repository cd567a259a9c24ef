"""``python -m zgpu.cli``: the same as the ``zgpu`` command."""

from zgpu.cli.main import main

main()
