"""Pricing Pulumi projects gnnstack did not write: foreign programs and preview files."""
