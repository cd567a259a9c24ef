"""Payment providers: the ``PaymentProvider`` seam and the built-in test card processor."""
