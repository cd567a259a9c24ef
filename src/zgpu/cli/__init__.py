"""The ``zgpu`` command: thin Typer commands that parse arguments and call into the packages."""
