"""Pulumi entry point: `pulumi preview -s experiment` and `gnnstack preview experiment` both run it."""

from gnnstack.program import main

main()
