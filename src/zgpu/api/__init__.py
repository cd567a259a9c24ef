"""HTTP: the public API, errors, auth and the gateway server."""
